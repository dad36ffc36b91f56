-- Schema v8: the data version that cached figures are checked against. Every write to a table a
-- figure reads gives it a new random value (random rather than counted: a restored backup and the
-- writes made after it can never share a version), so a cached figure is reused only while the
-- data it was computed from stands unchanged.

CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO data_version (id, version) VALUES (1, random());


CREATE TRIGGER contacts_version_insert AFTER INSERT ON contacts BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER contacts_version_update AFTER UPDATE ON contacts BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER contacts_version_delete AFTER DELETE ON contacts BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER stage_events_version_insert AFTER INSERT ON stage_events BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER stage_events_version_update AFTER UPDATE ON stage_events BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER stage_events_version_delete AFTER DELETE ON stage_events BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER purchases_version_insert AFTER INSERT ON purchases BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER purchases_version_update AFTER UPDATE ON purchases BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER purchases_version_delete AFTER DELETE ON purchases BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER channel_spend_version_insert AFTER INSERT ON channel_spend BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER channel_spend_version_update AFTER UPDATE ON channel_spend BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER channel_spend_version_delete AFTER DELETE ON channel_spend BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER channels_version_insert AFTER INSERT ON channels BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER channels_version_update AFTER UPDATE ON channels BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER channels_version_delete AFTER DELETE ON channels BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER testimonials_version_insert AFTER INSERT ON testimonials BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER testimonials_version_update AFTER UPDATE ON testimonials BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER testimonials_version_delete AFTER DELETE ON testimonials BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER nps_answers_version_insert AFTER INSERT ON nps_answers BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER nps_answers_version_update AFTER UPDATE ON nps_answers BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER nps_answers_version_delete AFTER DELETE ON nps_answers BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER referrals_version_insert AFTER INSERT ON referrals BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER referrals_version_update AFTER UPDATE ON referrals BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER referrals_version_delete AFTER DELETE ON referrals BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER followups_version_insert AFTER INSERT ON followups BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER followups_version_update AFTER UPDATE ON followups BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER followups_version_delete AFTER DELETE ON followups BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER score_rules_version_insert AFTER INSERT ON score_rules BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER score_rules_version_update AFTER UPDATE ON score_rules BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER score_rules_version_delete AFTER DELETE ON score_rules BEGIN UPDATE data_version SET version = random(); END;

CREATE TRIGGER settings_version_insert AFTER INSERT ON settings BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER settings_version_update AFTER UPDATE ON settings BEGIN UPDATE data_version SET version = random(); END;
CREATE TRIGGER settings_version_delete AFTER DELETE ON settings BEGIN UPDATE data_version SET version = random(); END;
