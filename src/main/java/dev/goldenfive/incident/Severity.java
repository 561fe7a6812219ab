package dev.goldenfive.incident;

/** How bad it is: SEV1 is the worst. */
public enum Severity { SEV1, SEV2, SEV3, SEV4 }
