"""The production topology on one machine, for `make run-cluster` and its tests.

PostgreSQL (tracker store and conversation log), Redis (Rasa's lock store), two
Rasa servers, two action servers, the staff dashboard, and nginx balancing
round-robin in front: the same shape as the Kubernetes deployment in
deploy/k8s/, with every server on 127.0.0.1 and every file in a temp folder.
"""
