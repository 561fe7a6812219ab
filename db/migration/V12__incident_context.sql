-- What the probes of an incident need to know (the module proxy it is about, a module that fails, private
-- module paths): a JSON object of names to values, given when the incident is declared.
alter table incident add column context text not null default '{}';
