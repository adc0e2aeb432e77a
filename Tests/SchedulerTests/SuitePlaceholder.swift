// Placeholder while the suite is written; remove when it has real tests.
