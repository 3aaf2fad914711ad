"""The red-flag patterns catch emergencies and leave ordinary questions alone."""

from typing import Dict, List

import pytest

from clinic_nlu.red_flags import is_red_flag


@pytest.mark.parametrize(
    "text",
    [
        "I can't feel my legs since this morning",
        "my dad cannot move his legs",
        "Her legs went completely numb an hour ago",
        "sudden numbness in both legs",
        "I think I lost control of my bladder",
        "he can't hold his bowels anymore",
        "my mother wet herself and can't stand",
        "CHEST PAIN right now",
        "there's a crushing pain in my chest",
        "she is having trouble breathing",
        "I cant breathe properly",
        "short of breath after the fall",
        "I fell down the stairs and the pain is unbearable",
        "severe sudden back pain after a fall yesterday",
        "this is an emergency",
        "should I call 911?",
        "grandpa collapsed in the kitchen",
        "since the procedure I have a fever of 103 and the back pain is way worse",
        "temperature is 39.5 this evening, I got mine done on monday",
        "my incision is oozing pus",
        "sudden weakness in my left leg after I lifted something",
        "I can't stand up at all after the fall and the pain is a 10",
        "she slipped this morning and cannot walk",
        "grandad's legs have gone floppy and numm since lunch",
        "there's a heavy weight on my chest and my left arm tingles",
        "my wife is breathing shallow and fast and looks grey",
        "Uncle Ray keeled over in the yard",
        "she's lying on the floor and not responding to me",
        "the kyphoplasty site is hot and puffy and smells",
        "temp of 102 three days after my kyphoplasty",
        "he came off his bike an hour ago, pain is horrible, can't move",
        "peed his pants without noticing, this is new",
        "pls hurry",
        "i cant brethe",
        "my hubby colapsed, hes not brething right",
        "bad chets pian since an hour",
        "she cant controll her blader",
        "I passed out as a kid once, and I just passed out again in the kitchen",
        "my son fainted at school an hour ago",
        "will there be a scar? my wound has been leaking since yesterday",
        # A general question beside a report leaves the report a report.
        "my legs went numb in the car, what if it is nerve damage?",
        "will there be a nurse on call? my husband collapsed",
        "is a lot of swelling normal? her wound is oozing",
        # A blow to the head with a sign that it is serious.
        "nana slipped on the porch, smacked her head and is kind of dazed",
        "he knocked into the door frame, bashed his head, and now he vomited twice",
        "my wife whacked her head getting out of the car and seems disoriented",
        # "just" as something that has just happened; a stroke that is new.
        "grandma just slipped in the hall and the pain is excruciating",
        "my father had a stroke this morning, his face is drooping",
        "he went down again after his stroke today and the pain is terrible",
    ],
)
def test_emergencies_are_flagged(text: str) -> None:
    assert is_red_flag(text)


@pytest.mark.parametrize(
    "text",
    [
        "how long does kyphoplasty take",
        "when can I walk after the procedure",
        "my kid has a fever",
        "I'm a bit confused about which doctor does the procedure",
        "he hit his head when he fell two years ago, never confused since",
        "what if she hits her head and gets dizzy and confused?",
        "she bumped her head on the shelf, she's fine, is the recovery long?",
        "I fell last month, can kyphoplasty help",
        "is it ok to stand after the fall?",
        "is it done after a fall?",
        "will my back pain go away",
        "does the balloon stay in my spine",
        "can my mother move normally after it",
        "what are the risks",
        "I want to book an appointment",
        "How does the balloon lift the collapsed vertebra?",
        "do you need to be unconscious for it",
        "my number is 555-911-2345",
        "(904) 911 0000",
        "",
        "no chest pain, no numb legs, only the ache in my mid back",
        "he never fainted, he just can't sleep well",
        "is shortness of breath a known risk of the anesthesia?",
        "what if I get a fever after I'm home?",
        "I slipped on the stairs two months ago and the pain has been terrible since",
        "after my fall last spring I can't stand for long",
        "the incision isn't red or swollen, can I shower?",
        "my aunt tends to faint at the dentist, can she have general anesthesia",
        "will I be conscious during the procedure",
        "he fell off a ladder in 2019 and has had back trouble since",
        "I passed out once at a blood draw years ago",
        "I fainted at the dentist when I was little, will they put me to sleep?",
        "my husband blacked out playing football in high school, is that a problem",
        "she had chest pains as a teenager from anxiety; can she still have it?",
        "I used to pass out growing up whenever I saw blood",
        "my sister painted the spare room, never a fellow so happy",
        "the scan says one vertebra has collapsed, is that what this fixes?",
        "my back bone got shorter after it had collapsed, can that be undone?",
        "once it is fixed, could it slowly collapse again years later?",
        "no need to hurry, but when could we book?",
        "would there be any bleeding from where the tube goes in?",
        "is there a lot of swelling at the incision afterwards?",
        # "just" that only softens a question, after weeks of bad pain.
        "the pain's been awful for six weeks now since she slipped in the bath,"
        " I just want to know when it eases",
        # Paralysis asked about as a risk, not reported.
        "my son worries, might it paralyze me?",
        "could the procedure leave her paralyzed",
        # A stroke or heart attack named as a time in the past.
        "he walks with a cane since his stroke, can he still have kyphoplasty",
        "my mum moved in with us following her heart attack; how long is the stay?",
        # The collapse of a bone, not of a person.
        "is the collapse of the vertebra reversed by the balloon?",
    ],
)
def test_ordinary_questions_are_not_flagged(text: str) -> None:
    assert not is_red_flag(text)


def test_no_ordinary_phrasing_of_ours_is_flagged(
    training_examples: Dict[str, List[str]], test_examples: Dict[str, List[str]]
) -> None:
    ordinary = [
        text
        for examples in (training_examples, test_examples)
        for intent, texts in examples.items()
        if intent != "emergency"
        for text in texts
    ]
    assert [text for text in ordinary if is_red_flag(text)] == []
