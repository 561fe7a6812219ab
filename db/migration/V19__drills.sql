-- Drills: an incident declared to rehearse the five minutes, with its scenario (the fault, where it is
-- injected, the agents that inject it, the participants paged, the boundary the evidence should lead to) as a
-- JSON object. Real reports leave drills out; drill reports compare the drills of a runbook.
alter table incident add column drill text;
create index incident_drill_idx on incident (runbook_version_id, started_at) where drill is not null;
