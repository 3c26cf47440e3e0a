-- Fixture events for the query/summary tests (unit suite `query` and the
-- e2e cases tests/e2e/cases/query_*.json, summary_*.json). Every expected
-- answer in those tests is worked out by hand from this table; see
-- tests/data/query/README.md. Needs SpatiaLite loaded (MakePoint).
-- Radius tests centre on 34.0 N, 71.0 E: events 1, 14, 6, 2, 4 lie within
-- 25 km (11.1, 14.8, 21.6, 22.2, 24.0 km); 3 and 5 lie just outside (27.7 km).
BEGIN;
INSERT INTO events (id, uid, source_kind, source, source_ref, date, date_precision, type, sub_type, actor1, actor2,
  place, country, province, district, lon, lat, precision, radius_km, fatalities, injured, side, side_certain,
  border_km, band, crossing, crossing_km, excerpt, cluster_id, geom) VALUES
 (1, 'fx-1', 'csv', 'fixture.csv', 'line 2', '2023-03-14', 'day', 'Battles', 'Armed clash',
  'Military Forces of Pakistan (2018-)', 'TTP: Tehrik-i-Taliban Pakistan', 'Landi Kotal', 'PAK',
  'Khyber Pakhtunkhwa', 'Khyber', 71.00, 34.10, 'town', 2, 5, 3, 'PAK', 1, 4.2, '0-10 km', 'Torkham', 6.1,
  'Troops clashed with militants near Landi Kotal.', 1, MakePoint(71.00, 34.10, 4326)),
 (2, 'fx-2', 'csv', 'fixture.csv', 'line 3', '2023-03-20', 'day', 'Explosions/Remote violence', 'Suicide bomb',
  'TTP: Tehrik-i-Taliban Pakistan', 'Civilians (Pakistan)', 'Jamrud', 'PAK', 'Khyber Pakhtunkhwa', 'Khyber',
  71.00, 34.20, 'point', 0, 12, 30, 'PAK', 1, 9.5, '0-10 km', 'Torkham', 10.2,
  'A suicide bomber struck a market, killing 12.', 1, MakePoint(71.00, 34.20, 4326)),
 (3, 'fx-3', 'csv', 'fixture.csv', 'line 4', '2023-04-01', 'month', 'Battles', 'Armed clash',
  'Military Forces of Afghanistan (2021-)', 'Military Forces of Pakistan (2018-)', 'Mohmand Dara', 'AFG',
  'Nangarhar', 'Mohmand Dara', 71.00, 34.25, 'district', 15, NULL, NULL, 'AFG', 0, 1.5, '0-10 km', 'Torkham', 12.0,
  'Border forces exchanged fire in April.', NULL, MakePoint(71.00, 34.25, 4326)),
 (4, 'fx-4', 'csv', 'fixture.csv', 'line 5', '2022-11-02', 'day', 'Violence against civilians', 'Attack',
  'Unidentified Armed Group (Pakistan)', 'Civilians (Pakistan)', 'Bara', 'PAK', 'Khyber Pakhtunkhwa', 'Khyber',
  71.26, 34.00, 'town', 2, 2, 0, 'PAK', 1, 22.0, '10-25 km', 'Torkham', 24.5,
  'Gunmen killed two shopkeepers.', NULL, MakePoint(71.26, 34.00, 4326)),
 (5, 'fx-5', 'csv', 'fixture.csv', 'line 6', '2022-12-25', 'day', 'Explosions/Remote violence',
  'Remote explosive/landmine/IED', 'TTP: Tehrik-i-Taliban Pakistan', 'Police Forces of Pakistan (2018-)',
  'Peshawar outskirts', 'PAK', 'Khyber Pakhtunkhwa', 'Peshawar', 71.30, 34.00, 'point', 0, 1, 4, 'PAK', 1, 27.0,
  '25-50 km', 'Torkham', 26.0, 'A roadside bomb hit a police van.', NULL, MakePoint(71.30, 34.00, 4326)),
 (6, 'fx-6', 'csv', 'fixture.csv', 'line 7', '2021-08-15', 'day', 'Battles', 'Armed clash', 'Taliban',
  'Military Forces of Afghanistan (2004-2021)', 'Mohmand Dara', 'AFG', 'Nangarhar', 'Mohmand Dara', 70.85, 33.85,
  'town', 5, 20, 11, 'AFG', 1, 8.0, '0-10 km', 'Torkham', 30.0, 'Fighting for the district centre.', NULL,
  MakePoint(70.85, 33.85, 4326)),
 (7, 'fx-7', 'csv', 'fixture.csv', 'line 8', '2021-08-18', 'day', 'Violence against civilians', 'Attack',
  'Islamic State (Afghanistan)', 'Civilians (Afghanistan)', 'Jalalabad', 'AFG', 'Nangarhar', 'Jalalabad',
  70.45, 34.43, 'town', 5, 3, NULL, 'AFG', 1, 58.0, '50-100 km', 'Torkham', 62.0,
  'Three killed at a flag-raising.', NULL, MakePoint(70.45, 34.43, 4326)),
 (8, 'fx-8', 'csv', 'fixture.csv', 'line 9', '2022-01-01', 'year', 'Explosions/Remote violence',
  'Air/drone strike', 'Military Forces of Pakistan (2018-)', 'Civilians (Afghanistan)', 'Khost', 'AFG', 'Khost',
  'Khost', 69.92, 33.34, 'town', 5, 47, 20, 'AFG', 1, 25.5, '25-50 km', 'Torkham', 130.0,
  'Air strikes reported in Khost during 2022.', NULL, MakePoint(69.92, 33.34, 4326)),
 (9, 'fx-9', 'csv', 'fixture.csv', 'line 10', '2023-01-05', 'day', 'Battles', 'Armed clash',
  'Military Forces of Afghanistan (2021-)', 'Military Forces of Pakistan (2018-)', 'Spin Boldak', 'AFG',
  'Kandahar', 'Spin Boldak', 66.398, 31.006, 'town', 5, 6, 17, 'AFG', 1, 5.5, '0-10 km', 'Chaman-Spin Boldak', 6.0,
  'Shelling across the crossing.', 2, MakePoint(66.398, 31.006, 4326)),
 (10, 'fx-10', 'csv', 'fixture.csv', 'line 11', '2023-01-05', 'day', 'Battles', 'Armed clash',
  'Military Forces of Pakistan (2018-)', 'Military Forces of Afghanistan (2021-)', 'Chaman', 'PAK', 'Balochistan',
  'Chaman', 66.452, 30.917, 'town', 5, 1, 15, 'PAK', 1, 3.0, '0-10 km', 'Chaman-Spin Boldak', 3.5,
  'Shells landed in Chaman.', 2, MakePoint(66.452, 30.917, 4326)),
 (11, 'fx-11', 'csv', 'fixture.csv', 'line 12', '2023-08-30', 'day', 'Explosions/Remote violence', 'Suicide bomb',
  'BLA: Balochistan Liberation Army', 'Police Forces of Pakistan (2018-)', 'Quetta', 'PAK', 'Balochistan',
  'Quetta', 67.00, 30.183, 'point', 0, 9, 25, 'PAK', 1, 78.0, '50-100 km', 'Chaman-Spin Boldak', 95.0,
  'A blast near a police post.', NULL, MakePoint(67.00, 30.183, 4326)),
 (12, 'fx-12', 'csv', 'fixture.csv', 'line 13', '2023-06-01', 'month', 'Battles', 'Armed clash', 'Taliban',
  'Islamic State (Afghanistan)', 'eastern Afghanistan', 'AFG', NULL, NULL, NULL, NULL, 'country', NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, 'Clashes somewhere in the east.', NULL, NULL),
 (13, 'fx-13', 'csv', 'fixture.csv', 'line 14', '2022-06-10', 'day', 'Violence against civilians',
  'Abduction/forced disappearance', 'Taliban', 'Civilians (Afghanistan)', 'Kandahar', 'AFG', 'Kandahar',
  'Kandahar', 65.71, 31.61, 'town', 5, 0, 0, 'AFG', 1, 95.0, '50-100 km', 'Chaman-Spin Boldak', 100.0,
  'Two journalists taken.', NULL, MakePoint(65.71, 31.61, 4326)),
 (14, 'fx-14', 'csv', 'fixture.csv', 'line 15', '2023-09-06', 'day', 'Battles', 'Armed clash',
  'Military Forces of Afghanistan (2021-)', 'Military Forces of Pakistan (2018-)', 'Torkham', 'AFG', 'Nangarhar',
  'Mohmand Dara', 71.09, 34.11, 'town', 5, 2, 4, 'AFG', 0, 0.4, '0-10 km', 'Torkham', 0.5,
  'Guards fired across the gate at Torkham.', NULL, MakePoint(71.09, 34.11, 4326));
-- two events as a table row is stored: its notes, and no excerpt copy of them
-- (readers show the notes as the excerpt)
UPDATE events SET notes = excerpt, excerpt = NULL WHERE id IN (1, 14);
COMMIT;
