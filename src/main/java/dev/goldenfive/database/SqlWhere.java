package dev.goldenfive.database;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code where} clause made of the filters that were given: each condition is added only when its value
 * is present, with the value as a named parameter (instants as timestamps).
 */
public final class SqlWhere {

    private final StringBuilder sql;
    private final Map<String, Object> params = new LinkedHashMap<>();

    /** Starting with {@code first}, a condition that always applies ({@code true} for none). */
    public SqlWhere(String first) {
        this.sql = new StringBuilder(" where ").append(first);
    }

    /** {@code condition}, when {@code value} is present, naming it {@code :name}. */
    public SqlWhere and(String condition, String name, Object value) {
        if (value != null) {
            sql.append(" and ").append(condition);
            param(name, value);
        }
        return this;
    }

    /** {@code column = :name}, when {@code value} is present. */
    public SqlWhere equal(String column, String name, Object value) {
        return and(column + " = :" + name, name, value);
    }

    /** A condition that always applies. */
    public SqlWhere and(String condition) {
        sql.append(" and ").append(condition);
        return this;
    }

    /** A parameter the conditions (or the statement around them) use. */
    public SqlWhere param(String name, Object value) {
        params.put(name, value instanceof Instant at ? Timestamp.from(at) : value);
        return this;
    }

    public Map<String, Object> params() {
        return params;
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
