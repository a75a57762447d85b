"""Writes of the front door. Each service validates, writes and audits in one transaction;
a referral's stage changes only through ``referrals.enter_stage``."""
