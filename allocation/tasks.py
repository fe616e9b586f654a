from celery import shared_task


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=3,
)
def solve_proposal(proposal_id: int) -> str | None:
    """Solve a round's proposal (the solver stops itself within its time limit).
    Returns the proposal's status."""
    from allocation.services import proposal_fail, proposal_solve

    try:
        proposal = proposal_solve(proposal_id=proposal_id)
    except Exception:
        proposal_fail(proposal_id=proposal_id)
        raise
    return proposal.status if proposal else None
