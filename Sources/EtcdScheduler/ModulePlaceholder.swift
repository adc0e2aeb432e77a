// Module placeholder while the target is written; remove when it has real sources.
