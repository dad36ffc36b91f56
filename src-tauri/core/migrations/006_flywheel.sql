-- Schema v6: the flipped funnel. A referral remembers which purchase earned its reward, so a refund
-- of that order can claw the reward back.

ALTER TABLE referrals ADD COLUMN reward_purchase_id INTEGER REFERENCES purchases (id) ON DELETE SET NULL;
CREATE INDEX referrals_reward_purchase ON referrals (reward_purchase_id) WHERE reward_purchase_id IS NOT NULL;

-- The repeat figures read every counted purchase grouped by customer and day; with the currency
-- first this index hands them over in that order without touching the table (the product is there
-- for testimonial coverage, which asks who bought what).
CREATE INDEX purchases_currency_contact_day
    ON purchases (currency, contact_id, purchased_on, amount_minor, refunded_minor, product);
