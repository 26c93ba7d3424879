-- Patient search (workstation only): a projection of every active patient (not deleted, not merged
-- away) with folded names and phonetic keys, two name indexes that hand rows out already in name
-- order, and two FTS5 tables: exact tokens (phonetic keys, further name words, national ids) and
-- trigrams of the names (substrings). Triggers on `patients` keep it current inside the transaction
-- of every writer: local edits, shape batches (INSERT OR REPLACE; needs recursive_triggers), sweeps.
-- The hms_* functions are registered by the core on every connection that writes `patients`
-- (main/core/store/search-functions.ts). A later migration that recreates `patients` must recreate
-- these triggers.
CREATE TABLE `patient_search` (
  `sid` integer PRIMARY KEY,
  `patient_id` text NOT NULL UNIQUE,
  `ln` text NOT NULL,
  `fn` text NOT NULL,
  `mn` text,
  `lk` text,
  `fk` text,
  `mk` text,
  `dob` text NOT NULL,
  `nid` text,
  `mrn_serial` text,
  `nm` text GENERATED ALWAYS AS (' ' || `fn` || ifnull(' ' || `mn`, '') || ' ' || `ln`) VIRTUAL,
  `tok` text GENERATED ALWAYS AS (
       'l' || replace(ifnull(`lk`, ''), ' ', ' l') || ' f' || ifnull(`fk`, '')
    || ifnull(' m' || replace(`mk`, ' ', ' m'), '')
    || CASE WHEN instr(`fn`, ' ') > 0 THEN ' w' || replace(substr(`fn`, instr(`fn`, ' ') + 1), ' ', ' w') ELSE '' END
    || CASE WHEN instr(`ln`, ' ') > 0 THEN ' w' || replace(substr(`ln`, instr(`ln`, ' ') + 1), ' ', ' w') ELSE '' END
    || ifnull(' w' || replace(`mn`, ' ', ' w'), '')
    || ifnull(' n' || lower(`nid`), '')) VIRTUAL
);--> statement-breakpoint
CREATE INDEX `patient_search_ln_fn_idx` ON `patient_search` (`ln`, `fn`);--> statement-breakpoint
CREATE INDEX `patient_search_fn_ln_idx` ON `patient_search` (`fn`, `ln`);--> statement-breakpoint
CREATE INDEX `patient_search_mrn_serial_idx` ON `patient_search` (`mrn_serial`);--> statement-breakpoint
CREATE VIRTUAL TABLE `patient_search_tokens` USING fts5(tok, content='', contentless_delete=1, tokenize='unicode61', detail='none');--> statement-breakpoint
CREATE VIRTUAL TABLE `patient_search_trigrams` USING fts5(nm, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1');--> statement-breakpoint
CREATE TRIGGER `patients_search_ai` AFTER INSERT ON `patients` BEGIN
  DELETE FROM patient_search WHERE patient_id = NEW.id;
  INSERT INTO patient_search (patient_id, ln, fn, mn, lk, fk, mk, dob, nid, mrn_serial)
  SELECT NEW.id, hms_fold(NEW.last_name), hms_fold(NEW.first_name), hms_fold(NEW.middle_name),
    hms_name_key(NEW.last_name), hms_first_key(NEW.first_name), hms_name_key(NEW.middle_name),
    NEW.date_of_birth, hms_id_norm(NEW.national_id), hms_mrn_serial(NEW.mrn)
  WHERE NEW.deleted_at IS NULL AND NEW.merged_into_id IS NULL;
END;--> statement-breakpoint
CREATE TRIGGER `patients_search_au` AFTER UPDATE OF id, mrn, first_name, middle_name, last_name, date_of_birth,
  national_id, deleted_at, merged_into_id ON `patients`
WHEN OLD.id IS NOT NEW.id OR OLD.mrn IS NOT NEW.mrn OR OLD.first_name IS NOT NEW.first_name
  OR OLD.middle_name IS NOT NEW.middle_name OR OLD.last_name IS NOT NEW.last_name
  OR OLD.date_of_birth IS NOT NEW.date_of_birth OR OLD.national_id IS NOT NEW.national_id
  OR OLD.deleted_at IS NOT NEW.deleted_at OR OLD.merged_into_id IS NOT NEW.merged_into_id
BEGIN
  DELETE FROM patient_search WHERE patient_id = OLD.id;
  INSERT INTO patient_search (patient_id, ln, fn, mn, lk, fk, mk, dob, nid, mrn_serial)
  SELECT NEW.id, hms_fold(NEW.last_name), hms_fold(NEW.first_name), hms_fold(NEW.middle_name),
    hms_name_key(NEW.last_name), hms_first_key(NEW.first_name), hms_name_key(NEW.middle_name),
    NEW.date_of_birth, hms_id_norm(NEW.national_id), hms_mrn_serial(NEW.mrn)
  WHERE NEW.deleted_at IS NULL AND NEW.merged_into_id IS NULL;
END;--> statement-breakpoint
CREATE TRIGGER `patients_search_ad` AFTER DELETE ON `patients` BEGIN
  DELETE FROM patient_search WHERE patient_id = OLD.id;
END;--> statement-breakpoint
CREATE TRIGGER `patient_search_fts_ai` AFTER INSERT ON `patient_search` BEGIN
  INSERT INTO patient_search_tokens (rowid, tok) VALUES (NEW.sid, NEW.tok);
  INSERT INTO patient_search_trigrams (rowid, nm) VALUES (NEW.sid, NEW.nm);
END;--> statement-breakpoint
CREATE TRIGGER `patient_search_fts_ad` AFTER DELETE ON `patient_search` BEGIN
  DELETE FROM patient_search_tokens WHERE rowid = OLD.sid;
  DELETE FROM patient_search_trigrams WHERE rowid = OLD.sid;
END;--> statement-breakpoint
-- Patients already on this workstation enter the index once.
INSERT INTO patient_search (patient_id, ln, fn, mn, lk, fk, mk, dob, nid, mrn_serial)
  SELECT p.id, hms_fold(p.last_name), hms_fold(p.first_name), hms_fold(p.middle_name),
    hms_name_key(p.last_name), hms_first_key(p.first_name), hms_name_key(p.middle_name),
    p.date_of_birth, hms_id_norm(p.national_id), hms_mrn_serial(p.mrn)
  FROM patients p WHERE p.deleted_at IS NULL AND p.merged_into_id IS NULL;
