using Grpc.Core;
using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Domain;
using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HotelBooking.Bookings.Saga;

/// <summary>
/// At start-up and then periodically, takes over every booking whose saga stopped half-way and drives it
/// to Confirmed or Failed. Safe with several instances: each move is guarded by the booking's version.
/// </summary>
public sealed class SagaRecoveryWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SagaOptions> options,
    ILogger<SagaRecoveryWorker> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private static readonly TimeSpan ResumeTimeout = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecoveryInterval, time);
        do
        {
            try
            {
                await RecoverStaleBookingsAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                RecoveryLog.PassFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: resumes up to a batch of stale bookings, each in its own scope. Returns how many settled.</summary>
    public async Task<int> RecoverStaleBookingsAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.StaleAfter;
        List<string> stale;
        await using (var scope = scopes.CreateAsyncScope())
        {
            stale = await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Bookings
                .Where(b => b.Step != SagaStep.Done && b.UpdatedAt <= cutoff)
                .OrderBy(b => b.UpdatedAt)
                .Select(b => b.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
        }

        var settled = 0;
        foreach (var bookingId in stale)
        {
            if (await TryResumeAsync(bookingId, cancellationToken))
            {
                settled++;
            }
        }

        return settled;
    }

    private async Task<bool> TryResumeAsync(string bookingId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var booking = await db.Bookings.FirstAsync(b => b.Id == bookingId, cancellationToken);
        using var trace = BookingTelemetry.Source.StartLinkedRoot("booking recover", booking.TraceParent,
            ("hotelbooking.booking.id", booking.Id), ("hotelbooking.booking.step", booking.Step.ToString()));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResumeTimeout);

        try
        {
            await scope.ServiceProvider.GetRequiredService<BookingSaga>().ResumeAsync(booking, timeout.Token);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance moved it first; it is theirs now.
            return false;
        }
        catch (RpcException ex) when (booking.IsSettled)
        {
            // The saga settled and reported why (e.g. the hold had expired and the charge was refunded).
            RecoveryLog.SettledWithError(logger, booking.Id, ex.StatusCode);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            RecoveryLog.StillStuck(logger, booking.Id, booking.Step);
            return false;
        }

        trace.Activity?.SetTag("hotelbooking.booking.status", booking.Status.ToString());
        return booking.IsSettled;
    }
}

internal static partial class RecoveryLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery settled booking {BookingId} after {StatusCode}")]
    public static partial void SettledWithError(ILogger logger, string bookingId, StatusCode statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery could not move booking {BookingId} past {Step}; retrying next pass")]
    public static partial void StillStuck(ILogger logger, string bookingId, SagaStep step);

    [LoggerMessage(Level = LogLevel.Error, Message = "A saga recovery pass failed; retrying next pass")]
    public static partial void PassFailed(ILogger logger, Exception exception);
}
