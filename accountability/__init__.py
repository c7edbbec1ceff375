"""Accountability and error tolerance (问责与容错纠错): cases from the first clue to the
decision, the measures of the four forms and their effect periods, error-tolerance
applications, correction, name clearing and follow-up visits."""
