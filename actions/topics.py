"""The topics the assistant answers: the question a button sends, the name staff see.

A suggestion button sends its question as ordinary visitor text, so a click
goes through the same NLU and rules as a typed question; the NLU looks the
question up rather than trusting the classifiers with it
(clinic_nlu/button_questions.py). Each question is also a training example of
its topic (data/nlu/), and an end-to-end test checks that every button gets
its own answer.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping

# Retrieval intents whose sub-topics come from the ResponseSelector's ranking.
RETRIEVAL_INTENTS = ("faq", "not_covered")
# The honest "I can't answer that from the clinic's page", with the number.
NOT_ON_PAGE = "utter_question_not_on_page"


def intent_name(parse_data: Mapping[str, Any]) -> str:
    """The name of the intent Rasa gave a message ("" when it gave none)."""
    return str((parse_data.get("intent") or {}).get("name") or "")


def selector_ranking(parse_data: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The ResponseSelector's topics for a message, likeliest first.

    One selector serves every retrieval intent, so Rasa files it as "default".
    """
    return list(
        parse_data.get("response_selector", {}).get("default", {}).get("ranking", [])
    )


@dataclass(frozen=True)
class Topic:
    """One answer of the page (or honest deferral): its button and its name."""

    # What its suggestion button sends, as a visitor would type it.
    question: str
    # How staff name it on the dashboard and in e-mails.
    staff_name: str


TOPICS: Dict[str, Topic] = {
    "faq/what_is": Topic(
        "What is kyphoplasty?",
        "What kyphoplasty is",
    ),
    "faq/procedure_steps": Topic(
        "How is kyphoplasty done, step by step?",
        "How it is done",
    ),
    "faq/xray_assessment": Topic(
        "Are X-rays taken before kyphoplasty?",
        "X-rays beforehand",
    ),
    "faq/anesthesia": Topic(
        "What kind of anesthesia is used for kyphoplasty?",
        "Anesthesia",
    ),
    "faq/incision_tube": Topic(
        "How big is the incision for kyphoplasty?",
        "The incision",
    ),
    "faq/balloon": Topic(
        "What is the balloon in kyphoplasty for?",
        "The balloon",
    ),
    "faq/cement": Topic(
        "What is the cement injected during kyphoplasty?",
        "The bone cement",
    ),
    "faq/duration": Topic(
        "How long does kyphoplasty take?",
        "How long it takes",
    ),
    "faq/walking": Topic(
        "When can I walk after kyphoplasty?",
        "Walking afterwards",
    ),
    "faq/hospital_stay": Topic(
        "How long is the hospital stay after kyphoplasty?",
        "Hospital stay",
    ),
    "faq/pain_relief": Topic(
        "How soon does the pain go away after kyphoplasty?",
        "How soon pain eases",
    ),
    "faq/activities": Topic(
        "When can I get back to my normal activities?",
        "Back to normal activities",
    ),
    "faq/physical_therapy": Topic(
        "Will I need physical therapy after kyphoplasty?",
        "Physical therapy",
    ),
    "faq/pain_medication": Topic(
        "Will I still need pain medication after kyphoplasty?",
        "Pain medication afterwards",
    ),
    "faq/symptom_free": Topic(
        "Will I be symptom-free after kyphoplasty?",
        "Symptom-free afterwards",
    ),
    "faq/mobility": Topic(
        "Will I be able to move better after kyphoplasty?",
        "Moving better afterwards",
    ),
    "faq/stitches": Topic(
        "Does the kyphoplasty incision need stitches?",
        "Stitches",
    ),
    "faq/candidates": Topic(
        "Who is a candidate for kyphoplasty?",
        "Who it suits",
    ),
    "faq/age_health": Topic(
        "Does age or health matter for kyphoplasty?",
        "Age and health",
    ),
    "faq/after_accident": Topic(
        "Is kyphoplasty done after a fall or an accident?",
        "After a fall or accident",
    ),
    "faq/other_conditions": Topic(
        "Does kyphoplasty help a herniated disk or stenosis?",
        "Herniated disk or stenosis",
    ),
    "faq/timing_window": Topic(
        "How soon after a fracture should kyphoplasty be done?",
        "How soon after a fracture",
    ),
    "faq/recovery_overview": Topic(
        "What is recovery like after kyphoplasty?",
        "Recovery",
    ),
    "not_covered/cost": Topic(
        "How much does kyphoplasty cost?",
        "Cost (not on the page)",
    ),
    "not_covered/insurance": Topic(
        "Does insurance cover kyphoplasty?",
        "Insurance (not on the page)",
    ),
    "not_covered/risks": Topic(
        "What are the risks of kyphoplasty?",
        "Risks (not on the page)",
    ),
    "not_covered/location": Topic(
        "Where is the clinic?",
        "Where the clinic is (not on the page)",
    ),
    "not_covered/hours": Topic(
        "What are the clinic's opening hours?",
        "Opening hours (not on the page)",
    ),
    "not_covered/doctors": Topic(
        "Which doctor performs kyphoplasty?",
        "Which doctor (not on the page)",
    ),
    "not_covered/alternatives": Topic(
        "What are the alternatives to kyphoplasty?",
        "Alternatives (not on the page)",
    ),
    "not_covered/preparation": Topic(
        "How do I prepare for kyphoplasty?",
        "Preparing (not on the page)",
    ),
    "not_covered/aftercare": Topic(
        "What should I avoid doing at home after kyphoplasty?",
        "Care at home (not on the page)",
    ),
    "not_covered/lasting_results": Topic(
        "How many years does a kyphoplasty repair hold?",
        "How long results last (not on the page)",
    ),
    "not_covered/referrals": Topic(
        "Do I need a referral for kyphoplasty?",
        "Referrals (not on the page)",
    ),
    "not_covered/conditions": Topic(
        "Can the clinic help with a curved spine from scoliosis?",
        "Other spine conditions (not on the page)",
    ),
    "not_covered/clinic_info": Topic(
        "Is there an online login for patients?",
        "Clinic services (not on the page)",
    ),
    "not_covered/procedure_details": Topic(
        "What size needle is used for kyphoplasty?",
        "Procedure details (not on the page)",
    ),
}
TOPIC_QUESTIONS: Dict[str, str] = {key: topic.question for key, topic in TOPICS.items()}

# The other replies a logged turn can end with (domain.yml's responses without
# "utter_"), as staff name them; a test checks every response has a name.
REPLY_NAMES: Dict[str, str] = {
    "greet": "Greeting",
    "goodbye": "Goodbye",
    "youre_welcome": "Thanks",
    "iamabot": "Asked if it is a bot",
    "appointment": "Appointment request",
    "no_callback": "Callback declined",
    "anything_else": "Anything else?",
    "ask_callback_name": "Callback form: name",
    "ask_callback_phone": "Callback form: phone",
    "ask_callback_time": "Callback form: best time",
    "ask_callback_reason": "Callback form: reason",
    "invalid_callback_name": "Callback form: name not understood",
    "invalid_callback_phone": "Callback form: phone not understood",
    "invalid_callback_time": "Callback form: time not understood",
    "invalid_callback_reason": "Callback form: reason not understood",
    "callback_name_noted": "Callback form: name noted",
    "callback_phone_noted": "Callback form: phone noted",
    "appointment_in_form": "Appointment asked during the form",
    "question_not_on_page": "Not on the page",
    "callback_confirmed": "Callback request taken",
    "callback_cancelled": "Callback request cancelled",
    "emergency_caution": "Possible emergency: 911 advice",
    "caution_tell_more": "Possible emergency: asked for more",
    "emergency": "Emergency: 911 advice",
    "out_of_scope": "Not about kyphoplasty",
    "default": "Not understood",
    "suggest_topics": "Did you mean…?",
    "follow_up_in_general": "Follow-up: the page speaks of patients in general",
    "ask_follow_up_topic": "Follow-up: asked which topic",
    "feedback_use_buttons": "Feedback",
}


def staff_name(topic: str) -> str:
    """The staff name of a logged topic ("faq/duration", "default", "utter_…")."""
    key = topic[len("utter_") :] if topic.startswith("utter_") else topic
    found = TOPICS.get(key)
    if found is not None:
        return found.staff_name
    return REPLY_NAMES.get(key, key)


# Plain intents worth suggesting, with the button title; their payload is the
# intent itself, so a click cannot be misunderstood.
INTENT_TITLES: Dict[str, str] = {
    "request_appointment": "Book an appointment",
}
