"""Intent and entity names the pipeline sets and the rules and actions read.

Kept apart from the Rasa components so that the action server can import
them without the NLU machinery.
"""

EMERGENCY_INTENT = "emergency"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# A red-flag rule fired (clinic_nlu.components.SafetyOverride).
RED_FLAG_ENTITY = "red_flag"
# Found by clinic_nlu.components.ContactDetailsExtractor.
PHONE_ENTITY = "phone_number"
NAME_ENTITY = "person_name"
