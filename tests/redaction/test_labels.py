from __future__ import annotations

from redaction import Party, Role, assign_labels


def test_each_role_gets_its_label_and_staff_share_one_letter_sequence() -> None:
    parties = [
        Party("John Smith", Role.PERSON_ON_PROBATION),
        Party("Hope Williams", Role.VICTIM),
        Party("Mark Smith", Role.FAMILY_MEMBER),
        Party("Sarah O'Brien", Role.STAFF, agency="Probation Service"),
        Party("Raj Patel", Role.STAFF, agency="Greater Manchester Police"),
        Party("Ann Lee", Role.FAMILY_MEMBER),
        Party("Tom Hart", Role.OTHER),
    ]
    assert assign_labels(parties) == {
        "John Smith": "the person on probation",
        "Hope Williams": "Victim",
        "Mark Smith": "Family member A",
        "Sarah O'Brien": "Practitioner A",
        "Raj Patel": "Police officer B",
        "Ann Lee": "Family member B",
        "Tom Hart": "Person A",
    }


def test_several_victims_are_numbered_in_the_chairs_order() -> None:
    labels = assign_labels(
        [Party("Amy Jones", Role.VICTIM), Party("Beth Khan", Role.VICTIM, key="v2")]
    )
    assert labels == {"Amy Jones": "Victim 1", "v2": "Victim 2"}


def test_labels_do_not_depend_on_who_the_extract_is_for() -> None:
    parties = [Party(f"Person {i} Surname{i}", Role.STAFF, agency="NHS") for i in range(30)]
    labels = assign_labels(parties)
    assert labels["Person 0 Surname0"] == "Practitioner A"
    assert labels["Person 26 Surname26"] == "Practitioner AA"
    assert assign_labels(parties) == labels
