"""What the clinic's page says that code needs, written once: its phone number
and the order of the procedure's steps.

domain.yml's answers and the widget (web/) must spell the number in their own
files; tests/test_clinic_facts.py checks that every copy agrees with this one.
"""

# As the page writes it (../shared/source/kyphoplasty-page.txt).
CLINIC_PHONE = "904.265.7755"
# The national number alone, as libphonenumber reports it.
CLINIC_PHONE_DIGITS = "".join(filter(str.isdigit, CLINIC_PHONE))

# The procedure's answers in the page's order: X-rays and assessment, the
# anesthesia, the incision and tube, the balloon, the cement-like material.
PROCEDURE_ORDER = (
    "faq/xray_assessment",
    "faq/anesthesia",
    "faq/incision_tube",
    "faq/balloon",
    "faq/cement",
)
