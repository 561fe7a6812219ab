/** On call: schedules of a team's rotations, and who is on call at any instant. */
package dev.goldenfive.oncall;
