"""Reads of the front door: the pipeline board, a referral's page, the waitlist, and (in
``intake``) the intake assessment and placement."""
