"""The topics the assistant can suggest, each with the question a button sends.

A suggestion button sends its question as ordinary visitor text, so a click
goes through the same NLU and rules as a typed question. Each question is also
a training example of its topic (data/nlu/), and an end-to-end test checks that
every button gets its own answer.
"""

from typing import Dict

# Retrieval intents whose sub-topics come from the ResponseSelector's ranking.
RETRIEVAL_INTENTS = ("faq", "not_covered")

TOPIC_QUESTIONS: Dict[str, str] = {
    "faq/what_is": "What is kyphoplasty?",
    "faq/procedure_steps": "How is kyphoplasty done, step by step?",
    "faq/xray_assessment": "Are X-rays taken before kyphoplasty?",
    "faq/anesthesia": "What kind of anesthesia is used for kyphoplasty?",
    "faq/incision_tube": "How big is the incision for kyphoplasty?",
    "faq/balloon": "What is the balloon in kyphoplasty for?",
    "faq/cement": "What is the cement injected during kyphoplasty?",
    "faq/duration": "How long does kyphoplasty take?",
    "faq/walking": "When can I walk after kyphoplasty?",
    "faq/hospital_stay": "How long is the hospital stay after kyphoplasty?",
    "faq/pain_relief": "How soon does the pain go away after kyphoplasty?",
    "faq/activities": "When can I get back to my normal activities?",
    "faq/physical_therapy": "Will I need physical therapy after kyphoplasty?",
    "faq/pain_medication": "Will I still need pain medication after kyphoplasty?",
    "faq/symptom_free": "Will I be symptom-free after kyphoplasty?",
    "faq/mobility": "Will I be able to move better after kyphoplasty?",
    "faq/stitches": "Does the kyphoplasty incision need stitches?",
    "faq/candidates": "Who is a candidate for kyphoplasty?",
    "faq/age_health": "Does age or health matter for kyphoplasty?",
    "faq/after_accident": "Is kyphoplasty done after a fall or an accident?",
    "faq/other_conditions": "Does kyphoplasty help a herniated disk or stenosis?",
    "faq/timing_window": "How soon after a fracture should kyphoplasty be done?",
    "faq/recovery_overview": "What is recovery like after kyphoplasty?",
    "not_covered/cost": "How much does kyphoplasty cost?",
    "not_covered/insurance": "Does insurance cover kyphoplasty?",
    "not_covered/risks": "What are the risks of kyphoplasty?",
    "not_covered/location": "Where is the clinic?",
    "not_covered/hours": "What are the clinic's opening hours?",
    "not_covered/doctors": "Which doctor performs kyphoplasty?",
    "not_covered/alternatives": "What are the alternatives to kyphoplasty?",
    "not_covered/preparation": "How do I prepare for kyphoplasty?",
    "not_covered/aftercare": "What should I avoid doing at home after kyphoplasty?",
    "not_covered/lasting_results": "How many years does a kyphoplasty repair hold?",
    "not_covered/referrals": "Do I need a referral for kyphoplasty?",
    "not_covered/conditions": "Can the clinic help with a curved spine from scoliosis?",
    "not_covered/clinic_info": "Is there an online login for patients?",
    "not_covered/procedure_details": "What size needle is used for kyphoplasty?",
}

# Plain intents worth suggesting, with the button title; their payload is the
# intent itself, so a click cannot be misunderstood.
INTENT_TITLES: Dict[str, str] = {
    "request_appointment": "Book an appointment",
}
