-- Events in two districts of one name in one country, for the --in and
-- summary --by district tests of namesakes (unit suite `query`, e2e cases
-- query_in_district_*.json and summary_district_namesakes_*.json). Loaded
-- AFTER events.sql (ids 21-24 do not clash with its 1-14), and only by those
-- tests, so no other expected answer changes. Arghandab is a district of
-- Kandahar and a district of Zabul (both AFG; both in the fixture geodata):
-- the district's name alone names neither. Expected answers by hand:
-- tests/data/query/README.md ("Namesake districts"). Needs SpatiaLite.
BEGIN;
INSERT INTO events (id, uid, source_kind, source, source_ref, date, date_precision, type, sub_type, actor1, actor2,
  place, country, province, district, lon, lat, precision, radius_km, fatalities, injured, side, side_certain,
  border_km, band, crossing, crossing_km, excerpt, cluster_id, geom) VALUES
 (21, 'ns-21', 'csv', 'namesakes.csv', 'line 2', '2024-05-01', 'day', 'Battles', 'Armed clash', 'Taliban',
  'NRF: National Resistance Front', 'Arghandab', 'AFG', 'Kandahar', 'Arghandab', 65.67, 31.77, 'town', 5, 2, 1,
  'AFG', 1, 130.0, '>100 km', 'Chaman-Spin Boldak', 110.0, 'Clash in Arghandab, Kandahar.', NULL,
  MakePoint(65.67, 31.77, 4326)),
 (22, 'ns-22', 'csv', 'namesakes.csv', 'line 3', '2024-05-02', 'day', 'Battles', 'Armed clash', 'Taliban',
  'NRF: National Resistance Front', 'Arghandab', 'AFG', 'Zabul', 'Arghandab', 67.00, 32.51, 'town', 5, 3, NULL,
  'AFG', 1, 150.0, '>100 km', 'Chaman-Spin Boldak', 180.0, 'Clash in Arghandab, Zabul.', NULL,
  MakePoint(67.00, 32.51, 4326)),
 (23, 'ns-23', 'csv', 'namesakes.csv', 'line 4', '2024-05-20', 'day', 'Violence against civilians', 'Attack',
  'Unidentified Armed Group (Afghanistan)', 'Civilians (Afghanistan)', 'Arghandab', 'AFG', 'Zabul', 'Arghandab',
  67.05, 32.55, 'town', 5, 4, 2, 'AFG', 1, 152.0, '>100 km', 'Chaman-Spin Boldak', 185.0,
  'Villagers shot in Arghandab, Zabul.', NULL, MakePoint(67.05, 32.55, 4326)),
 (24, 'ns-24', 'csv', 'namesakes.csv', 'line 5', '2024-05-10', 'day', 'Battles', 'Armed clash', 'Taliban',
  'Islamic State (Afghanistan)', 'Zabul', 'AFG', 'Zabul', NULL, 67.55, 32.55, 'province', 60, 1, NULL, 'AFG', 1,
  170.0, '>100 km', 'Chaman-Spin Boldak', 200.0, 'Fighting somewhere in Zabul.', NULL,
  MakePoint(67.55, 32.55, 4326));
COMMIT;
