package dev.goldenfive.database;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a database that is away (restarting, unreachable, out of connections) from a statement that failed
 * on its own data: the first passes by itself and is worth trying again at once when the database is back;
 * the second fails the same way every time.
 */
public final class DatabaseErrors {

    /** PostgreSQL's SQLSTATEs of a server that is shutting down, starting or refusing connections. */
    private static final Set<String> SERVER_AWAY = Set.of("57P01", "57P02", "57P03", "53300");
    /**
     * What the pool says, without a SQLSTATE, of a connection it already closed because the server dropped it:
     * the rollback after a lost connection fails with this, and hides the first failure.
     */
    private static final String HIKARI_CLOSED = "Connection is closed";

    private DatabaseErrors() {
    }

    /** True when {@code failure}, or any cause of it, says the database could not be reached or talked to. */
    public static boolean unavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotCreateTransactionException || cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessResourceException || cause instanceof RecoverableDataAccessException
                    || cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
                    || cause instanceof org.hibernate.exception.JDBCConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && (sql.getSQLState() != null
                    ? sql.getSQLState().startsWith("08") || SERVER_AWAY.contains(sql.getSQLState())
                    : HIKARI_CLOSED.equals(sql.getMessage()))) {
                return true;
            }
        }
        return false;
    }
}
