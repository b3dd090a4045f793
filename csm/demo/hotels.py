"""`demo-hotels`: Baltic Hotels Group, three Polish hotels with one contact centre (data only, in Polish)."""

# Polish text keeps its own punctuation (en dashes).

from __future__ import annotations

import datetime as dt

from csm.accounts.models import UnitKind
from csm.catalogue.models import Channel as C
from csm.catalogue.models import CharacteristicKind as K
from csm.catalogue.models import Direction, Openness, Staffing
from csm.demo.spec import (
    PEOPLE,
    CalendarSpec,
    CharacteristicSpec,
    FaceSpec,
    LineSpec,
    OrgSpec,
    PointSpec,
    PointTemplate,
    ServiceSpec,
    UnitSpec,
)

STAFFED, UNSTAFFED = Staffing.STAFFED, Staffing.UNSTAFFED
HOTELS = (("gdn", "Gdańsk"), ("krk", "Kraków"), ("waw", "Warszawa"))
HOTEL_NAMES = tuple(f"Hotel Baltic {city}" for _, city in HOTELS)
DEPARTMENTS = (("fo", "Recepcja"), ("hk", "Służba pięter"), ("fb", "Gastronomia"))

UNITS = (
    *(UnitSpec(key, UnitKind.SITE, f"Hotel Baltic {city}", code=key.upper()) for key, city in HOTELS),
    *(
        UnitSpec(f"{hotel}-{dep}", UnitKind.DEPARTMENT, f"{name} — {city}", parent=hotel,
                 code=f"{hotel}-{dep}".upper())
        for hotel, city in HOTELS
        for dep, name in DEPARTMENTS
    ),
    UnitSpec("gdn-spa", UnitKind.DEPARTMENT, "Spa — Gdańsk", parent="gdn", code="GDN-SPA"),
    UnitSpec("waw-spa", UnitKind.DEPARTMENT, "Spa — Warszawa", parent="waw", code="WAW-SPA"),
    UnitSpec("waw-mice", UnitKind.DEPARTMENT, "Centrum konferencyjne — Warszawa", parent="waw",
             code="WAW-MICE"),
    UnitSpec("hq", UnitKind.BRANCH, "Centrala grupy", parent="waw", code="HQ"),
    UnitSpec("hq-quality", UnitKind.DEPARTMENT, "Dział jakości", parent="hq", code="HQ-QA"),
    UnitSpec("hq-cc", UnitKind.TEAM, "Centrum kontaktu z gośćmi", parent="hq", code="HQ-CC"),
)

ACCOMMODATION = ServiceSpec(
    key="acc", name="Zakwaterowanie", code="ACC", unit="hq",
    description="Pobyt w hotelach grupy: od rezerwacji, przez zameldowanie i pokój, po wymeldowanie.",
    points=(
        PointSpec("web", "Strona rezerwacji online", UNSTAFFED, C.WEB, "balticgroup.example/rezerwacje",
                  "hq-cc", "Wyszukiwarka pokoi, cennik i płatność zaliczki."),
        PointSpec("phone", "Rezerwacje telefoniczne", STAFFED, C.PHONE, "+48 58 000 00 00", "hq-cc",
                  "Konsultanci centrum kontaktu, 7 dni w tygodniu."),
        PointSpec("confirm", "Potwierdzenie rezerwacji e-mailem", UNSTAFFED, C.EMAIL, "", "hq-cc"),
        *(
            PointSpec(f"desk-{key}", f"Recepcja — {city}", STAFFED, C.IN_PERSON,
                      f"Hotel Baltic {city}, lobby", f"{key}-fo", "Zameldowanie, informacja, klucze.")
            for key, city in HOTELS
        ),
        PointSpec("kiosk", "Kiosk samoobsługowego zameldowania", UNSTAFFED, C.KIOSK,
                  "Hotel Baltic Warszawa, lobby", "waw-fo"),
        PointSpec("concierge", "Concierge i przechowalnia bagażu", STAFFED, C.IN_PERSON,
                  "Hotel Baltic Gdańsk, lobby", "gdn-fo"),
        PointSpec("room", "Pokój hotelowy", UNSTAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, piętra 1–6",
                  "gdn-hk", "Pokój standard lub deluxe z łazienką."),
        PointSpec("minibar", "Minibar w pokoju", UNSTAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, pokoje",
                  "gdn-hk"),
        PointSpec("cleaning", "Sprzątanie pokoju", STAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, pokoje",
                  "gdn-hk"),
        PointSpec("qr", "Kod QR z ankietą w pokoju", UNSTAFFED, C.WEB, "Karta na biurku w pokoju",
                  "hq-quality", "Krótka ankieta o pobycie, także anonimowa."),
        PointSpec("checkout", "Wymeldowanie — kasa recepcji", STAFFED, C.IN_PERSON,
                  "Hotel Baltic Gdańsk, lobby", "gdn-fo"),
    ),
    templates=(
        PointTemplate("Pokój {n}", UNSTAFFED, C.IN_PERSON, "{place}", HOTEL_NAMES, first=101),
        PointTemplate("Tablet informacyjny w pokoju {n}", UNSTAFFED, C.KIOSK, "{place}", HOTEL_NAMES),
        PointTemplate("Stanowisko recepcji nr {n}", STAFFED, C.IN_PERSON, "{place}, lobby", HOTEL_NAMES),
    ),
)

RESTAURANT = ServiceSpec(
    key="fb", name="Restauracja", code="FB", unit="gdn-fb",
    description="Śniadania, restauracja à la carte, lobby bar i room service.",
    points=(
        PointSpec("host", "Stanowisko hostessy restauracji Bursztyn", STAFFED, C.IN_PERSON,
                  "Hotel Baltic Gdańsk, parter", "gdn-fb"),
        PointSpec("buffet", "Bufet śniadaniowy", UNSTAFFED, C.IN_PERSON, "Restauracja Bursztyn", "gdn-fb",
                  "Codziennie 6:30–10:30, w weekendy do 11:00."),
        PointSpec("waiter", "Obsługa kelnerska", STAFFED, C.IN_PERSON, "Restauracja Bursztyn", "gdn-fb"),
        PointSpec("menu", "Menu online (kod QR na stoliku)", UNSTAFFED, C.WEB, "Restauracja Bursztyn",
                  "gdn-fb"),
        PointSpec("rs-order", "Room service — zamówienie telefoniczne", STAFFED, C.PHONE,
                  "Telefon wewnętrzny 9", "gdn-fb"),
        PointSpec("rs-delivery", "Room service — dostawa do pokoju", STAFFED, C.IN_PERSON,
                  "Hotel Baltic Gdańsk, pokoje", "gdn-fb"),
        PointSpec("bar", "Lobby bar", STAFFED, C.IN_PERSON, "Hotel Baltic Warszawa, lobby", "waw-fb"),
    ),
    templates=(
        PointTemplate("Stolik {n}", STAFFED, C.IN_PERSON, "{place}",
                      ("Restauracja Bursztyn (Gdańsk)", "Restauracja Wawel (Kraków)",
                       "Restauracja Wisła (Warszawa)")),
        PointTemplate("Punkt bufetu nr {n}", UNSTAFFED, C.IN_PERSON, "{place}, sala śniadaniowa",
                      HOTEL_NAMES),
    ),
)

SPA = ServiceSpec(
    key="spa", name="Spa & Wellness", code="SPA", unit="gdn-spa",
    description="Zabiegi, basen i strefa saun w Gdańsku i Warszawie.",
    points=(
        PointSpec("spa-desk", "Recepcja spa — Gdańsk", STAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, poziom -1",
                  "gdn-spa"),
        PointSpec("spa-desk-waw", "Recepcja spa — Warszawa", STAFFED, C.IN_PERSON,
                  "Hotel Baltic Warszawa, 7. piętro", "waw-spa"),
        PointSpec("spa-online", "Rezerwacja zabiegów online", UNSTAFFED, C.WEB, "balticgroup.example/spa",
                  "gdn-spa"),
        PointSpec("lockers", "Szatnia spa", UNSTAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, poziom -1",
                  "gdn-spa"),
        PointSpec("treatment", "Gabinet zabiegowy", STAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, poziom -1",
                  "gdn-spa", "Masaże i zabiegi na twarz."),
        PointSpec("pool", "Basen i strefa saun", UNSTAFFED, C.IN_PERSON, "Hotel Baltic Gdańsk, poziom -1",
                  "gdn-spa"),
    ),
    templates=(
        PointTemplate("Gabinet zabiegowy {n}", STAFFED, C.IN_PERSON, "{place}",
                      ("Spa Gdańsk, poziom -1", "Spa Warszawa, 7. piętro")),
        PointTemplate("Kabina prysznicowa {n}", UNSTAFFED, C.IN_PERSON, "{place}",
                      ("Spa Gdańsk, szatnia", "Spa Warszawa, szatnia")),
    ),
)

CONFERENCE = ServiceSpec(
    key="mice", name="Konferencje i wydarzenia", code="MICE", unit="waw-mice",
    description="Konferencje, szkolenia i bankiety dla firm w Hotelu Baltic Warszawa.",
    points=(
        PointSpec("rfp", "Formularz zapytania ofertowego", UNSTAFFED, C.WEB,
                  "balticgroup.example/konferencje", "waw-mice"),
        PointSpec("coordinator", "Koordynator wydarzeń", STAFFED, C.PHONE, "Dział konferencji", "waw-mice",
                  "Jedna osoba kontaktowa od oferty do rozliczenia."),
        PointSpec("registration", "Rejestracja uczestników", STAFFED, C.IN_PERSON,
                  "Foyer centrum konferencyjnego", "waw-mice"),
        PointSpec("hall", "Sala konferencyjna Wisła", UNSTAFFED, C.IN_PERSON,
                  "Hotel Baltic Warszawa, 1. piętro", "waw-mice"),
        PointSpec("coffee", "Przerwa kawowa", STAFFED, C.IN_PERSON, "Foyer centrum konferencyjnego",
                  "waw-fb"),
        PointSpec("survey", "Ankieta po wydarzeniu (e-mail)", UNSTAFFED, C.EMAIL, "", "hq-quality"),
    ),
    templates=(
        PointTemplate("Sala spotkań {n}", UNSTAFFED, C.IN_PERSON, "Hotel Baltic Warszawa, {place}",
                      ("1. piętro", "2. piętro", "antresola")),
        PointTemplate("Stanowisko rejestracji {n}", STAFFED, C.IN_PERSON, "{place}",
                      ("Foyer centrum konferencyjnego", "Lobby")),
    ),
)

LINES = (
    LineSpec("acc", "Podróż gościa: od rezerwacji do wymeldowania", Direction.ONE_WAY,
             ("web", "confirm", "desk-gdn", "room", "checkout")),
    LineSpec("acc", "Zameldowanie samoobsługowe", Direction.ONE_WAY, ("confirm", "kiosk", "room")),
    LineSpec("fb", "Room service", Direction.ROUND_TRIP, ("rs-order", "rs-delivery"),
             "Zamówienie z pokoju, dostawa i odbiór naczyń."),
    LineSpec("fb", "Śniadanie", Direction.ONE_WAY, ("host", "buffet", "waiter")),
    LineSpec("spa", "Wizyta w spa", Direction.ONE_WAY,
             ("spa-online", "spa-desk", "lockers", "treatment", "pool")),
    LineSpec("mice", "Organizacja konferencji", Direction.ONE_WAY,
             ("rfp", "coordinator", "registration", "hall", "coffee", "survey")),
)

FACES = (
    FaceSpec("acc", "Lobby", Openness.FULLY_OPEN,
             ("desk-gdn", "desk-krk", "desk-waw", "kiosk", "concierge", "checkout"),
             description="Dostępne dla każdego, kto wejdzie do hotelu."),
    FaceSpec("acc", "Piętra hotelowe", Openness.SEMI_OPEN, ("room", "minibar", "cleaning", "qr"),
             description="Tylko dla zameldowanych gości."),
    FaceSpec("fb", "Restauracja Bursztyn", Openness.FULLY_OPEN, ("host", "buffet", "waiter", "menu"),
             ("Śniadanie",)),
    FaceSpec("spa", "Spa", Openness.SEMI_OPEN, ("spa-desk", "spa-online", "lockers", "treatment", "pool"),
             ("Wizyta w spa",), "Dla gości hotelowych i posiadaczy karnetów."),
    FaceSpec("mice", "Centrum konferencyjne", Openness.SEMI_OPEN, ("registration", "hall", "coffee"),
             ("Organizacja konferencji",)),
)

CHARACTERISTICS = (
    CharacteristicSpec(K.VENUE, "Czystość i wystrój lobby",
                       ("desk-gdn", "desk-krk", "desk-waw", "concierge")),
    CharacteristicSpec(K.FACILITIES, "Wyposażenie pokoju: łóżko, klimatyzacja, Wi-Fi", ("room", "minibar")),
    CharacteristicSpec(K.SUPPLIES, "Kosmetyki, ręczniki i szlafroki", ("room", "lockers")),
    CharacteristicSpec(K.STAFF, "Uprzejmość i znajomość języków obcych personelu recepcji",
                       ("desk-gdn", "desk-krk", "desk-waw", "phone")),
    CharacteristicSpec(K.GRADE, "Standard hotelu czterogwiazdkowego", ("room", "desk-gdn")),
    CharacteristicSpec(K.CONTENT, "Wybór dań śniadaniowych, także wegańskich i bezglutenowych", ("buffet",)),
    CharacteristicSpec(K.PROCEDURE, "Procedura zameldowania i wymeldowania",
                       ("desk-gdn", "kiosk", "checkout")),
    CharacteristicSpec(K.METHOD, "Płatność kartą, BLIK-iem lub przelewem", ("web", "checkout")),
    CharacteristicSpec(K.TIME, "Czas oczekiwania w recepcji poniżej 5 minut",
                       ("desk-gdn", "desk-krk", "desk-waw")),
    CharacteristicSpec(K.FEE, "Przejrzystość cen i opłaty miejscowej", ("web", "checkout")),
    CharacteristicSpec(K.VALUE_ADDED, "Późne wymeldowanie i przechowalnia bagażu", ("checkout", "concierge")),
    CharacteristicSpec(K.BRAND, "Program lojalnościowy Baltic Club", ("web", "desk-gdn")),
)

ALL_DAY = (dt.time(0, 0), dt.time.max)  # a working day from midnight to midnight
CALENDARS = (
    CalendarSpec(
        "Recepcja 24/7", "Europe/Warsaw", "PL",
        intervals=tuple((day, *ALL_DAY) for day in range(7)),
        # The front desk never closes, not even on public holidays.
        include_public_holidays=False,
    ),
    CalendarSpec(
        "Biuro (pn-pt 8-16 z przerwą)", "Europe/Warsaw", "PL",
        intervals=tuple(
            (day, start, end)
            for day in range(5)
            for start, end in ((dt.time(8, 0), dt.time(12, 0)), (dt.time(12, 30), dt.time(16, 0)))
        ),
        holidays=(
            (dt.date(2026, 6, 19), "Dzień integracyjny firmy"),
            (dt.date(2026, 12, 31), "Sylwester — biuro nieczynne"),
        ),
        is_default=True,
    ),
)

HOTELS_ORG = OrgSpec(
    slug="demo-hotels",
    name="Baltic Hotels Group",
    country="PL",
    timezone="Europe/Warsaw",
    language="pl",
    email_domain="demo-hotels.example",
    clients=(),
    units=UNITS,
    services=(ACCOMMODATION, RESTAURANT, SPA, CONFERENCE),
    lines=LINES,
    faces=FACES,
    characteristics=CHARACTERISTICS,
    calendars=CALENDARS,
    people=PEOPLE,
    given_names=(
        "Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Magdalena", "Joanna", "Ewa", "Zofia", "Marta",
        "Aleksandra", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Łukasz",
        "Grzegorz", "Wojciech",
    ),
    family_names=(
        "Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król",
        "Wróbel", "Dudek", "Adamczyk", "Pawlak", "Sikora", "Baran", "Michalak", "Szewczyk", "Kubiak",
    ),
)
