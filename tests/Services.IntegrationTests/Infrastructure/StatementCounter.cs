using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SQLitePCL;

namespace HotelBooking.Services.IntegrationTests.Infrastructure;

/// <summary>What one service asked of its database while counted.</summary>
/// <param name="Commands">The SQL commands EF Core sent (queries, inserts, updates, raw SQL).</param>
/// <param name="TransactionStatements">BEGIN, COMMIT, ROLLBACK and savepoints.</param>
/// <param name="ConnectionOpens">Connections taken from the pool.</param>
/// <param name="PoolResets">
/// PostgreSQL only: connections taken from the pool without <c>No Reset On Close</c>. Npgsql resets a connection it
/// gets back (<c>DISCARD ALL</c>, or several statements once statements are prepared) and sends that ahead of the
/// next command, so each is a statement more (at least one: counted as one).
/// </param>
/// <param name="EngineStatements">
/// SQLite only: every statement SQLite itself ran (its trace hook), also those no EF command carries, such as the
/// per-connection pragmas.
/// </param>
public sealed record DatabaseWork(int Commands, int TransactionStatements, int ConnectionOpens, int PoolResets, int EngineStatements)
{
    /// <summary>The statements the database ran: SQLite's own count, or on PostgreSQL what the service sent plus the resets.</summary>
    public int Statements => EngineStatements > 0 ? EngineStatements : Commands + TransactionStatements + PoolResets;

    public override string ToString() =>
        $"{Statements} statements ({Commands} commands, {TransactionStatements} transaction statements, {ConnectionOpens} connection opens"
        + (EngineStatements > 0 ? "; counted by SQLite's trace)" : $", {PoolResets} pool resets)");
}

/// <summary>
/// Counts what a service sends its database, through an EF Core interceptor put first in its DbContext's
/// options (so on SQLite its trace hook is on a new connection before anything runs there). Counts are
/// deterministic, unlike timings: a test may hold a saga to an upper bound.
/// </summary>
public sealed class StatementCounter : IDbCommandInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    private readonly ConditionalWeakTable<sqlite3, object> _traced = [];
    private readonly delegate_trace _onStatement;
    private int _commands;
    private int _transactionStatements;
    private int _opens;
    private int _resets;
    private int _engineStatements;

    public StatementCounter() => _onStatement = (_, _) => Interlocked.Increment(ref _engineStatements);

    /// <summary>Counts the database work of <typeparamref name="TContext"/> (and of its PostgreSQL subclass <typeparamref name="TPostgresContext"/>).</summary>
    public void CountFirst<TContext, TPostgresContext>(IServiceCollection services)
        where TContext : DbContext
        where TPostgresContext : TContext
    {
        // Inserted ahead of the service's own registration: EF applies option configurations, and so calls
        // interceptors, in the order they were registered.
        services.Insert(0, ServiceDescriptor.Singleton<IDbContextOptionsConfiguration<TContext>>(new AddedTo<TContext>(this)));
        services.Insert(0, ServiceDescriptor.Singleton<IDbContextOptionsConfiguration<TPostgresContext>>(new AddedTo<TPostgresContext>(this)));
    }

    private sealed class AddedTo<TContext>(StatementCounter counter) : IDbContextOptionsConfiguration<TContext>
        where TContext : DbContext
    {
        public void Configure(IServiceProvider serviceProvider, DbContextOptionsBuilder optionsBuilder) => optionsBuilder.AddInterceptors(counter);
    }

    public DatabaseWork Read() => new(
        Volatile.Read(ref _commands), Volatile.Read(ref _transactionStatements), Volatile.Read(ref _opens), Volatile.Read(ref _resets),
        Volatile.Read(ref _engineStatements));

    public void Reset()
    {
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _transactionStatements, 0);
        Interlocked.Exchange(ref _opens, 0);
        Interlocked.Exchange(ref _resets, 0);
        Interlocked.Exchange(ref _engineStatements, 0);
    }

    private void Command() => Interlocked.Increment(ref _commands);

    private void TransactionStatement() => Interlocked.Increment(ref _transactionStatements);

    private void Opened(DbConnection connection)
    {
        Interlocked.Increment(ref _opens);
        if (connection is NpgsqlConnection npgsql && !new NpgsqlConnectionStringBuilder(npgsql.ConnectionString).NoResetOnClose)
        {
            Interlocked.Increment(ref _resets);
        }

        if (connection is SqliteConnection { Handle: { } handle } && !_traced.TryGetValue(handle, out _))
        {
            // Once per physical connection: the hook stays on the handle while the pool keeps it.
            _traced.Add(handle, this);
            raw.sqlite3_trace(handle, _onStatement, null);
        }
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Command();
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Command();
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Command();
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Command();
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Command();
        return result;
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Command();
        return ValueTask.FromResult(result);
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        TransactionStatement();
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData,
        DbTransaction result, CancellationToken cancellationToken = default)
    {
        TransactionStatement();
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => TransactionStatement();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionStatement();
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => TransactionStatement();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionStatement();
        return Task.CompletedTask;
    }

    public void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => TransactionStatement();

    public Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionStatement();
        return Task.CompletedTask;
    }

    public void ReleasedSavepoint(DbTransaction transaction, TransactionEventData eventData) => TransactionStatement();

    public Task ReleasedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionStatement();
        return Task.CompletedTask;
    }

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Opened(connection);

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Opened(connection);
        return Task.CompletedTask;
    }
}
