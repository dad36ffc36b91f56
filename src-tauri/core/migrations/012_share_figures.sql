-- Schema 012: a testimonial's consent says whether the customer's figures (what they paid and when)
-- may be shown beside their words. Off for every testimonial recorded before: a case study tells
-- the story (how long a customer, how often they came back) and lists amounts only when ticked.

ALTER TABLE testimonials ADD COLUMN consent_share_figures INTEGER NOT NULL DEFAULT 0;
