package dev.goldenfive.runbook;

/** The languages a runbook may be written in. */
public enum RunbookFormat { YAML, JSON }
