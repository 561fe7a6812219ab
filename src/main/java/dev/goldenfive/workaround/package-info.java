/** The ledger of temporary changes made during an incident, who undoes each by when, and reminders when they are late. */
package dev.goldenfive.workaround;
