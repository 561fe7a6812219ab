package dev.goldenfive.database;

import java.sql.Connection;
import java.sql.SQLException;

import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;

/**
 * A PostgreSQL array as one statement parameter ({@code unnest(:ids)}, {@code = any(:ids)}): a whole batch
 * in one parameter, where a Java array or list would be expanded into one placeholder per element.
 */
public final class SqlArrays {

    private SqlArrays() {
    }

    /** {@code type} is PostgreSQL's element type name: text, int8, float8, bool, timestamptz. */
    public static SqlTypeValue of(String type, Object[] values) {
        return new AbstractSqlTypeValue() {
            @Override
            protected Object createTypeValue(Connection connection, int sqlType, String typeName) throws SQLException {
                return connection.createArrayOf(type, values);
            }
        };
    }
}
