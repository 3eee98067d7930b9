"""What a person reads: the text summary, a scenario's effects, charts, the report and
the dashboard."""
