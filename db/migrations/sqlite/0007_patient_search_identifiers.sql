-- Identifier fragments in patient search (workstation only): the MRN, the phone's digits and the
-- national id of every indexed patient as trigrams, so a desk can type any part of a number ("4567",
-- the end of a phone; "000123", the middle of an MRN) and not only its start. The row id is the
-- patient's `patient_search.sid`, so the row follows the search projection in and out (merges,
-- deletes, shape batches); a phone change alone does not touch the projection and has its own
-- trigger. `hms_id_text` is registered with the other search functions
-- (main/core/store/search-functions.ts).
CREATE VIRTUAL TABLE `patient_search_ids` USING fts5(ids, content='', contentless_delete=1, tokenize='trigram');--> statement-breakpoint
CREATE TRIGGER `patient_search_ids_ai` AFTER INSERT ON `patient_search` BEGIN
  INSERT INTO patient_search_ids (rowid, ids)
  SELECT NEW.sid, hms_id_text(p.mrn, p.phone, p.national_id) FROM patients p WHERE p.id = NEW.patient_id;
END;--> statement-breakpoint
CREATE TRIGGER `patient_search_ids_ad` AFTER DELETE ON `patient_search` BEGIN
  DELETE FROM patient_search_ids WHERE rowid = OLD.sid;
END;--> statement-breakpoint
CREATE TRIGGER `patients_search_ids_phone` AFTER UPDATE OF phone ON `patients`
WHEN OLD.phone IS NOT NEW.phone BEGIN
  DELETE FROM patient_search_ids WHERE rowid IN (SELECT sid FROM patient_search WHERE patient_id = NEW.id);
  INSERT INTO patient_search_ids (rowid, ids)
  SELECT sid, hms_id_text(NEW.mrn, NEW.phone, NEW.national_id) FROM patient_search WHERE patient_id = NEW.id;
END;--> statement-breakpoint
-- Patients already on this workstation enter the index once.
INSERT INTO patient_search_ids (rowid, ids)
  SELECT s.sid, hms_id_text(p.mrn, p.phone, p.national_id)
  FROM patient_search s JOIN patients p ON p.id = s.patient_id;
