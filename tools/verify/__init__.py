"""`make verify`: read-only checks of a deployed stack with boto3 (docs/verify.md).

One module per part of the stack it checks (ecs, load_balancer, url, monitoring), what they share
(aws: the calls, clients and refused-call handling; results; stack: the outputs), the run's order
(run) and the command line (cli, `python -m tools.verify`).
"""
