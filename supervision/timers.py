from .warnings import due_evaluation, evaluate


def run(now):
    """After each reporting deadline (the 10th), evaluate the warnings of the month once."""
    period = due_evaluation(now)
    if period is None:
        return []
    raised = evaluate(period, now)
    return [f"supervision: {raised} warnings raised for {period:%Y-%m}"]
