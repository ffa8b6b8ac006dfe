using Microsoft.Extensions.Options;

namespace HotelBooking.Availability.Holds;

/// <summary>Frees the rooms of holds nobody confirmed or released in time.</summary>
public sealed class HoldExpiryWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<HoldOptions> options,
    AvailabilityTelemetry telemetry,
    ILogger<HoldExpiryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var ledger = scope.ServiceProvider.GetRequiredService<HoldLedger>();
                var expired = await ledger.SweepExpiredAsync(stoppingToken);
                telemetry.ActiveHoldsCounted(await ledger.CountActiveAsync(stoppingToken));
                if (expired > 0)
                {
                    // The ledger applied the freed nights to the read model, which woke the streams.
                    HoldLog.Expired(logger, expired);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed sweep is retried at the next tick; readers already discount expired holds.
                HoldLog.SweepFailed(logger, ex);
            }
        }
    }
}

internal static partial class HoldLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Expired {Count} holds and freed their rooms")]
    public static partial void Expired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired holds failed; retrying at the next tick")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
