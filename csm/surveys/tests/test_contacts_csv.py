"""Reading contact lists: encodings, separators, and every bad row named by row and column."""

from __future__ import annotations

import pytest

from csm.surveys.contacts_csv import ContactRow, RowError, parse_contacts


def test_it_reads_a_comma_separated_list_with_a_bom_and_any_column_order():
    content = "\ufeffName,EMAIL,language,segment,phone,external_ref\r\nAnna,Anna@Example.com,PL,vip,+48 1,C-1\r\n"
    parsed = parse_contacts(content.encode("utf-8"))
    assert parsed.errors == []
    assert parsed.rows == [ContactRow(row=2, email="anna@example.com", name="Anna", phone="+48 1", language="pl",
                                      segment="vip", external_ref="C-1")]


def test_it_reads_a_semicolon_separated_list_in_chinese():
    content = "email;name;language\nwang@example.cn;王芳;zh-Hans\n\nli@example.cn;李雷;\n"
    parsed = parse_contacts(content.encode("utf-8"))
    assert [(r.row, r.email, r.name, r.language) for r in parsed.rows] == [
        (2, "wang@example.cn", "王芳", "zh-Hans"), (4, "li@example.cn", "李雷", "")]


def test_every_bad_row_is_reported_and_none_is_kept():
    content = ("email,name,language\n"
               "ok@example.com,Ok,en\n"
               "not-an-address,Bad,en\n"
               ",No address,en\n"
               "OK@example.com,Again,en\n"
               "fr@example.com,Pierre,fr\n"
               f"long@example.com,{'x' * 201},en\n")
    parsed = parse_contacts(content.encode())
    assert parsed.rows == []
    assert parsed.errors == [
        RowError(3, "email", '"not-an-address" is not an e-mail address.'),
        RowError(4, "email", "An e-mail address is required."),
        RowError(5, "email", "ok@example.com is already in row 2."),
        RowError(6, "language", '"fr" is not a language we write in; use en, pl or zh-Hans, or leave it blank.'),
        RowError(7, "name", "At most 200 characters."),
    ]


@pytest.mark.parametrize(("content", "error"), [
    (b"", RowError(1, "", "The file is empty; its first line must name the columns.")),
    (b"name\nAnna\n", RowError(1, "email", 'The file needs an "email" column.')),
    (b"email,mail\na@b.co,x\n", RowError(1, "mail", 'Unknown column "mail"; the columns are: email, name, phone, '
                                                      'language, segment, external_ref.')),
    (b"email,email\n", RowError(1, "email", 'The column "email" appears twice.')),
    (b"email\n", RowError(2, "email", "The file has no contacts below its header.")),
    ("email\nżółw@example.com\n".encode("cp1250"),
     RowError(1, "", 'The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.')),
    (b"email,name\na@example.com,Ann,extra\n", RowError(2, "", "This row has 3 cells; the header names 2 columns.")),
])
def test_a_file_that_cannot_be_read_says_why(content, error):
    assert parse_contacts(content).errors == [error]


def test_a_huge_file_is_refused_before_it_is_read():
    parsed = parse_contacts(b"email\n" + b"a@example.com\n" * 400_000)
    assert parsed.errors == [RowError(1, "", "The file is larger than 5 MB; split it into smaller lists.")]
