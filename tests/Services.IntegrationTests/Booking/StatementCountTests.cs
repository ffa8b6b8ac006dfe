using HotelBooking.Availability.Data;
using HotelBooking.Availability.Holds;
using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Saga;
using HotelBooking.Contracts.Booking.V1;
using HotelBooking.Payments.Data;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HotelBooking.Services.IntegrationTests.Booking;

/// <summary>
/// Counted alone: other test classes' hosts clear every SQLite pool in the process when they are disposed
/// (SqliteConnection.ClearAllPools), and a pool cleared mid-count opens a new physical connection, whose
/// pragmas then count as the booking's statements (a CI run saw payment's 3 become 5).
/// </summary>
[CollectionDefinition(nameof(StatementCounting), DisableParallelization = true)]
public sealed class StatementCounting;

[Collection(nameof(StatementCounting))]
public sealed class StatementCountOnSqlite(SqliteCountedBookingSystem system, ITestOutputHelper output)
    : StatementCountTests(system, output), IClassFixture<SqliteCountedBookingSystem>;

[Collection(nameof(StatementCounting))]
public sealed class StatementCountOnPostgres(PostgresCountedBookingSystem system, ITestOutputHelper output)
    : StatementCountTests(system, output), IClassFixture<PostgresCountedBookingSystem>;

public sealed class SqliteCountedBookingSystem() : CountedBookingSystem(Provider.Sqlite);

public sealed class PostgresCountedBookingSystem() : CountedBookingSystem(Provider.Postgres);

/// <summary>
/// The booking system with every service's database work counted, and no background pass (recovery, hold
/// expiry) touching a database while a test counts: each runs once at start, then not for an hour.
/// </summary>
public abstract class CountedBookingSystem : BookingSystem
{
    protected CountedBookingSystem(Provider provider)
        : this(provider, new StatementCounter(), new StatementCounter(), new StatementCounter())
    {
    }

    private CountedBookingSystem(Provider provider, StatementCounter availability, StatementCounter payment, StatementCounter booking)
        : base(provider, new ServiceSetup(
            Availability: services =>
            {
                availability.CountFirst<AvailabilityDbContext, AvailabilityPostgresDbContext>(services);
                services.PostConfigure<HoldOptions>(o => o.SweepInterval = TimeSpan.FromHours(1));
            },
            Payment: services => payment.CountFirst<PaymentDbContext, PaymentPostgresDbContext>(services),
            Booking: services =>
            {
                booking.CountFirst<BookingDbContext, BookingPostgresDbContext>(services);
                services.PostConfigure<SagaOptions>(o =>
                {
                    o.RecoveryInterval = TimeSpan.FromHours(1);
                    // Generous: a first booking on a busy machine must not run out of time (it is counted, not timed).
                    o.Timeout = TimeSpan.FromSeconds(60);
                    o.Lease = TimeSpan.FromSeconds(90);
                });
            }))
    {
        AvailabilityStatements = availability;
        PaymentStatements = payment;
        BookingStatements = booking;
    }

    public StatementCounter AvailabilityStatements { get; }
    public StatementCounter PaymentStatements { get; }
    public StatementCounter BookingStatements { get; }

    public void ResetCounts()
    {
        AvailabilityStatements.Reset();
        PaymentStatements.Reset();
        BookingStatements.Reset();
    }
}

/// <summary>
/// How many statements one booking costs each service's database, once connections are pooled (a first
/// booking warms the pools). The figures go to the test output and to <c>artifacts/</c>; docs/reliability.md
/// has them before and after the saga's statements were cut.
/// </summary>
public abstract class StatementCountTests
{
    private readonly CountedBookingSystem _system;
    private readonly ITestOutputHelper _output;

    protected StatementCountTests(CountedBookingSystem system, ITestOutputHelper output)
    {
        if (system.Provider == Provider.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
        }

        _system = system;
        _output = output;
    }

    [SkippableFact]
    public async Task CreateBooking_OneConfirmedBooking_ThreeStatementsInBookingAndThreeInPayment()
    {
        await _system.Bookings.CreateBookingAsync(BookingServiceTests.Request(120, 122, "tok_visa")); // warms every pool
        _system.ResetCounts();

        var booking = (await _system.Bookings.CreateBookingAsync(BookingServiceTests.Request(123, 125, "tok_visa"))).Booking;

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        var (bookingWork, paymentWork, availabilityWork) =
            (_system.BookingStatements.Read(), _system.PaymentStatements.Read(), _system.AvailabilityStatements.Read());
        var report = $"""
            One confirmed booking on {_system.Provider}, pools warm:
              booking:      {bookingWork}
              payment:      {paymentWork}
              availability: {availabilityWork}
            """;
        _output.WriteLine(report);
        Artifacts.Write($"statements-per-booking-{_system.Provider.ToString().ToLowerInvariant()}.txt", report + Environment.NewLine);

        // Booking: insert, rooms held, confirmed (15 on SQLite and 10 on PostgreSQL before: a read before the
        // insert, a write per step, pragmas or a pool reset per statement). Payment: BEGIN, insert, COMMIT.
        Assert.InRange(bookingWork.Statements, 1, 3);
        Assert.InRange(paymentWork.Statements, 1, 3);
        // Payment answers with one pooled connection. Booking takes one from the pool per step and gives it back
        // before each remote call, so a slow payment or availability service never pins a database connection;
        // a pooled open costs no statement (pragmas once per physical connection, no reset on close).
        Assert.Equal(1, paymentWork.ConnectionOpens);
    }
}
