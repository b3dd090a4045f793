"""What the demo organisations' complaints look like: categories, remedies, limits and texts."""

from __future__ import annotations

from csm.accounts.roles import Role
from csm.demo.complaints import ComplaintsSpec

HOTELS_COMPLAINTS = ComplaintsSpec(
    monthly=36,
    peak_month=7,
    categories=(
        ("Czystość pokoju", 30), ("Obsługa w recepcji", 22), ("Rezerwacje i płatności", 16),
        ("Gastronomia", 12), ("Hałas", 9), ("Usterki techniczne", 7), ("Spa i wellness", 4),
    ),
    remedies=(
        ("Przeprosiny", "0", "0"), ("Voucher do restauracji", "150.00", "200.00"),
        ("Zwrot za jedną noc", "420.00", "300.00"), ("Bezpłatny upgrade pokoju", "0", "0"),
        ("Zwrot opłaty za spa", "180.00", "200.00"),
    ),
    targets=("8h", "2wd", "10wd", "15wd"),
    policy_name="Standard (reklamacje gości)",
    external_recourse=(
        "Jeśli nie akceptują Państwo naszej decyzji, mogą Państwo zwrócić się do Miejskiego lub Powiatowego "
        "Rzecznika Konsumentów albo do Stałego Polubownego Sądu Konsumenckiego przy Wojewódzkim Inspektoracie "
        "Inspekcji Handlowej."
    ),
    names=("Anna Nowak", "Piotr Kowalski", "Katarzyna Wiśniewska", "Tomasz Wójcik", "Magdalena Kamińska",
           "Michał Lewandowski", "Agnieszka Zielińska", "Jan Szymański", "Ewa Dąbrowska", "Paweł Kozłowski",
           "Hans Müller", "Emma Johansson", "John Smith"),
    descriptions=(
        "Pokój nie był posprzątany po przyjeździe, w łazience zostały ręczniki poprzednich gości.",
        "Czekaliśmy ponad 40 minut na zameldowanie, a recepcjonista nie przeprosił za opóźnienie.",
        "Pobrano podwójną opłatę za rezerwację, mimo że anulowałem jedną z nich w terminie.",
        "Śniadanie było zimne, a o 9:30 zabrakło pieczywa i kawy.",
        "Przez całą noc było słychać muzykę z baru na parterze.",
        "Klimatyzacja w pokoju nie działała przez cały pobyt, zgłaszałam to dwa razy.",
        "Zabieg w spa odwołano bez uprzedzenia, a opłaty nie zwrócono.",
        "Kod QR w pokoju prowadzi do strony z błędem, nie mogłem wypełnić ankiety.",
    ),
    decisions=(
        "Dziękujemy za zgłoszenie. Przepraszamy za niedogodności; przyznajemy rekompensatę opisaną poniżej.",
        "Sprawdziliśmy sprawę z kierownikiem zmiany. Zgłoszenie uznajemy częściowo i proponujemy voucher.",
        "Po analizie rezerwacji i rachunku nie stwierdziliśmy nieprawidłowości; wyjaśnienie poniżej.",
    ),
    language="pl",
    email_domain="example.pl",
    channels=(("web", 40), ("email", 25), ("in_person", 20), ("phone", 12), ("letter", 3)),
    tiers=(("Recepcja / pierwsza linia", Role.COMPLAINT_HANDLER, "1wd"),
           ("Kierownik hotelu", Role.QUALITY_MANAGER, "3wd"),
           ("Dyrektor operacyjny", Role.ORG_ADMIN, "5wd"),
           ("Rzecznik konsumentów / sąd polubowny", Role.ORG_ADMIN, "90d")),
)

TELECOM_COMPLAINTS = ComplaintsSpec(
    monthly=64,
    peak_month=1,
    categories=(
        ("话费争议", 32), ("网络质量", 24), ("宽带安装", 14), ("服务态度", 11), ("套餐变更", 9),
        ("携号转网", 6), ("增值业务", 4),
    ),
    remedies=(
        ("书面致歉", "0", "0"), ("话费减免", "50.00", "100.00"), ("赠送流量包", "20.00", "50.00"),
        ("上门检修", "0", "0"), ("退还增值业务费用", "120.00", "100.00"),
    ),
    targets=("4h", "1wd", "15d", "15d"),
    policy_name="电信用户投诉（15 日答复）",
    external_recourse=(
        "如您对处理结果不满意，可向当地通信管理局电信用户申诉受理中心申诉（先向企业投诉后 15 日内未获答复或不满意）。"
    ),
    names=("王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强", "周杰", "吴霞", "徐明", "孙芳"),
    descriptions=(
        "本月话费比平时多出 86 元，账单中有我未订购的增值业务。",
        "家里宽带晚上经常断线，网速远低于套餐承诺的 300M。",
        "预约的宽带安装师傅两次爽约，也没有提前通知。",
        "拨打客服热线等待超过 20 分钟，接通后坐席态度冷淡。",
        "申请变更套餐后仍按旧套餐扣费。",
        "办理携号转网时被要求先补缴不明费用。",
        "小区信号很差，室内几乎无法通话。",
    ),
    decisions=(
        "经核查，您反映的问题属实，我们已为您办理相应补偿，并向您致歉。",
        "经核查，部分问题属实，现为您减免相关费用，其余部分说明如下。",
        "经核查，您的账单计费正确，具体计费明细说明如下，如有疑问请回复。",
    ),
    language="zh-hans",
    email_domain="example.cn",
    channels=(("phone", 50), ("chat", 20), ("web", 15), ("in_person", 10), ("social", 5)),
    tiers=(("一线坐席", Role.COMPLAINT_HANDLER, "4h"),
           ("投诉专席", Role.COMPLAINT_HANDLER, "1wd"),
           ("客服中心经理", Role.QUALITY_MANAGER, "3wd"),
           ("通信管理局申诉", Role.ORG_ADMIN, "30d")),
)

COMPLAINT_SPECS = {"demo-hotels": HOTELS_COMPLAINTS, "demo-telecom": TELECOM_COMPLAINTS}
