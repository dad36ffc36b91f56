-- v17: change notices between desktops. A team database (pg/017_change_notices.sql) tells every
-- listening desktop which areas of the data a committed transaction changed, so their open views
-- refresh. A file has one desktop, which hears of its own writes from the shell: nothing to do here.
SELECT 1;
