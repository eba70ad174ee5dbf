"""CAS extraction: every form vendors write, accepted only with a valid check digit."""

import pytest

from chem.cas import check_digit_ok, find_cas, find_partial_cas, normalize_cas


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CAS No.: 39742-60-4, purity 99%", ["39742-60-4"]),
        ("Product spec: (21409-26-7), white powder", ["21409-26-7"]),
        ("CAS:320589 77 3, purity 99%", ["320589-77-3"]),
        ("CAS 39742604 in stock", ["39742-60-4"]),
        ("CAS#79099073", ["79099-07-3"]),
        ("ＣＡＳ：３９７４２－６０－４", ["39742-60-4"]),  # full-width digits and dash
        ("cas 79099–07–3 (en dash)", ["79099-07-3"]),
        ("[125541-22-2] 1-boc-4-AP", ["125541-22-2"]),
        ("CAS 79099 - 07 - 3", ["79099-07-3"]),
        ("norfentanyl 1609-66-5", []),  # wrong check digit (a published error)
        ("call +86-139-1234-5678", []),
        ("two: 39742-60-4 and 21409-26-7", ["39742-60-4", "21409-26-7"]),
        ("", []),
    ],
)
def test_find_cas(text, expected):
    assert [m.cas for m in find_cas(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CAS79099 powder", ["79099"]),
        ("CAS 28578 PMK powder", ["28578"]),
        ("79099 powder in USA warehouse", ["79099"]),
        ("CAS 39742604", []),  # a whole CAS run together is not partial
        ("CAS 39742-60-4", []),
        ("2024 new product", []),
    ],
)
def test_find_partial_cas(text, expected):
    assert [m.cas for m in find_partial_cas(text)] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" 39742-60-4 ", "39742-60-4"),
        ("39742604", "39742-60-4"),
        ("[79099–07–3]", "79099-07-3"),
        ("0039742-60-4", "39742-60-4"),
        ("1609-66-5", None),
        ("abc", None),
        ("12-34", None),
    ],
)
def test_normalize_cas(value, expected):
    assert normalize_cas(value) == expected


@pytest.mark.parametrize(
    ("cas", "ok"),
    [("7732-18-5", True), ("1609-66-1", True), ("1609-66-5", False), ("50-00-0", True),
     ("50-00-1", False), ("39742604", False)],
)
def test_check_digit(cas, ok):
    assert check_digit_ok(cas) is ok


def test_find_cas_on_a_catalog_of_thousands_keeps_runs_apart_from_dashed_numbers():
    # Regression: each undashed run was checked against every dashed number found before it
    # (quadratic; 10,000 numbers took ~10 s). Runs inside a dashed number are still skipped.
    dashed = [f"{n}-{(n * 7) % 100:02d}-{_check_digit(n, (n * 7) % 100)}"
              for n in range(50_000, 53_000)]
    text = " ".join(f"CAS {c}" for c in dashed) + " and CAS 79099073, CAS 110894"
    found = [m.cas for m in find_cas(text)]
    assert found[:3000] == dashed and found[3000:] == ["79099-07-3", "110-89-4"]


def _check_digit(first: int, middle: int) -> int:
    digits = f"{first}{middle:02d}"
    return sum((i + 1) * int(c) for i, c in enumerate(reversed(digits))) % 10


def test_thousands_of_cas_numbers_are_all_found_in_order():
    """A catalog text with 2,000 CAS numbers and run-together ones between them: every number
    once, in text order (the overlap test with earlier numbers is a binary search)."""
    numbers = []
    for n in range(50_000, 60_000):
        for check in range(10):
            cas = f"{n}-{n % 100:02d}-{check}"
            if check_digit_ok(cas):
                numbers.append(cas)
                break
        if len(numbers) == 2000:
            break
    text = " ".join(f"CAS {c}" for c in numbers) + " and CAS 39742604, also 1-23-4"
    assert [m.cas for m in find_cas(text)] == numbers + ["39742-60-4"]
