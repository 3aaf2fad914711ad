"""Runs a trained model's graph node after node, in an order worked out once.

Rasa's `DaskGraphRunner.run` rebuilds the minimal schema and a dask task
graph, and lets dask schedule it, on every run: twice per visitor message
(the NLU reading, then the next action). For these few nodes in a chain the
scheduling cost about 8 % of a worker's CPU (py-spy, first-seen benchmark),
more than the two classifiers. Here the order for each set of targets is
computed once (the same minimal schema, sorted by `graphlib`) and the nodes
are called in it with their parents' outputs, as dask calls them: a parent
that is neither a node nor an input is passed as its bare name, which
`GraphNode` reports itself.
"""

from graphlib import TopologicalSorter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Plan = List[Tuple[str, Tuple[str, ...]]]

_rasa_run = DaskGraphRunner.run


def plan(runner: DaskGraphRunner, targets: Sequence[str]) -> Plan:
    """Each node the targets need, after its parents, with its parents' names."""
    schema = runner._graph_schema.minimal_graph_schema(list(targets))
    parents = {name: tuple(node.needs.values()) for name, node in schema.nodes.items()}
    order = TopologicalSorter(
        {name: [p for p in needs if p in parents] for name, needs in parents.items()}
    ).static_order()
    return [(name, parents[name]) for name in order]


def run(
    runner: DaskGraphRunner,
    inputs: Optional[Dict[str, Any]] = None,
    targets: Optional[List[str]] = None,
) -> Dict[str, Any]:
    """`DaskGraphRunner.run`, without dask: the same results for the same graph."""
    run_targets = tuple(targets if targets else runner._graph_schema.target_names)
    plans: Dict[Tuple[str, ...], Plan] = runner.__dict__.setdefault("_clinic_plans", {})
    steps = plans.get(run_targets)
    if steps is None:
        steps = plans[run_targets] = plan(runner, run_targets)
    graph: Dict[str, Any] = {name: None for name, _ in steps}
    runner._add_inputs_to_graph(inputs, graph)
    results = {name: graph[name] for name in inputs or {}}
    try:
        for name, needs in steps:
            node = runner._instantiated_nodes[name]
            results[name] = node(*(results.get(parent, parent) for parent in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)


def install() -> None:
    """Makes every loaded model's graph run through `run`."""
    DaskGraphRunner.run = run
