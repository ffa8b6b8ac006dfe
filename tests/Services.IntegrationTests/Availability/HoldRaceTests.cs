using Google.Rpc;
using Grpc.Core;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Grpc;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;
using DomainHoldStatus = HotelBooking.Availability.Domain.HoldStatus;
using ProtoHoldStatus = HotelBooking.Contracts.Availability.V1.HoldStatus;

namespace HotelBooking.Services.IntegrationTests.Availability;

public sealed class HoldRacesOnSqlite(ITestOutputHelper output) : HoldRaceTests(Provider.Sqlite, output);

public sealed class HoldRacesOnPostgres(ITestOutputHelper output) : HoldRaceTests(Provider.Postgres, output);

/// <summary>
/// Confirm, release, expiry and new holds racing on the same holds and overlapping nights, with one-second
/// holds and a sweeper that runs ten times a second. Every answer must say what really happened, no call
/// may fail with anything but a domain outcome (a deadlock would surface as INTERNAL), and afterwards the
/// nights must agree with the holds.
/// </summary>
public abstract class HoldRaceTests : IDisposable
{
    private const string Hotel = "alfama-riverside";
    private static readonly string[] RoomTypes = ["alfama-riverside-single", "alfama-riverside-double"];

    private readonly ServiceHost<AvailabilityGrpcService> _host;
    private readonly AvailabilityService.AvailabilityServiceClient _client;

    private readonly ITestOutputHelper _output;
    private readonly Provider _provider;

    protected HoldRaceTests(Provider provider, ITestOutputHelper output)
    {
        _output = output;
        _provider = provider;
        if (provider == Provider.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
        }

        _host = new ServiceHost<AvailabilityGrpcService>("availability-db",
            TestCatalogue.HandMade(new()
            {
                ["Holds:Lifetime"] = "00:00:01",
                ["Holds:SweepInterval"] = "00:00:00.100",
            }),
            provider: provider);
        _client = new AvailabilityService.AvailabilityServiceClient(_host.CreateChannel());
    }

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public async Task ConfirmReleaseAndExpiry_RacingOnTheSameHolds_EveryAnswerTrueAndNightsAgreeWithHolds()
    {
        await _client.ListHotelsAsync(new()); // the service is up and seeded before the clock starts
        var races = await Task.WhenAll(Enumerable.Range(0, 120).Select(RaceAsync));

        // Let the sweeper expire whatever was left active, then compare the nights with the holds.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        var holds = await db.Holds.AsNoTracking().ToDictionaryAsync(h => h.Id);
        var nights = await db.Inventory.AsNoTracking()
            .Where(n => RoomTypes.Contains(n.RoomTypeId) && n.Date >= Today.AddDays(200) && n.Date < Today.AddDays(215))
            .ToListAsync();

        var created = races.Where(r => r.HoldId is not null).ToList();
        Assert.True(created.Count >= 30, $"only {created.Count} of {races.Length} holds were created");

        // Every answer checked against what the database holds afterwards; counted, so the table shows them.
        var violations = new List<string>();
        foreach (var race in created)
        {
            var final = holds[race.HoldId!].Status;
            if (final == DomainHoldStatus.Active)
            {
                violations.Add($"{race.HoldId} still Active after its expiry");
            }

            // A release that answered OK gave the rooms back: the hold cannot have stayed sold.
            if (race.Release == Answer.Ok && (final == DomainHoldStatus.Confirmed || race.ReleasedAs is not (ProtoHoldStatus.Released or ProtoHoldStatus.Expired)))
            {
                violations.Add($"{race.HoldId}: release answered {race.ReleasedAs}, the hold is {final}");
            }

            if (race.Confirm == Answer.Ok && race.Release != Answer.Ok && final != DomainHoldStatus.Confirmed)
            {
                violations.Add($"{race.HoldId}: confirm answered OK, the hold is {final}");
            }

            if (race.Confirm == Answer.Expired && final != DomainHoldStatus.Expired)
            {
                violations.Add($"{race.HoldId}: confirm answered expired, the hold is {final}");
            }
        }

        foreach (var night in nights)
        {
            var covering = holds.Values.Where(h => h.RoomTypeId == night.RoomTypeId && h.CheckIn <= night.Date && night.Date < h.CheckOut).ToList();
            var sold = covering.Where(h => h.Status == DomainHoldStatus.Confirmed).Sum(h => h.Rooms);
            if (night.Sold != sold || night.Held != 0)
            {
                violations.Add($"{night.RoomTypeId} {night.Date}: sold {night.Sold}, held {night.Held}; confirmed holds cover {sold}");
            }
        }

        var errors = created.Count(r => r.Confirm == Answer.Error || r.Release == Answer.Error);
        var table = $"""
            | provider | races | holds created | refused (no rooms) | confirmed | released | expired | calls failed (deadlock or other) | invariant violations |
            |---|---|---|---|---|---|---|---|---|
            | {_provider} | {races.Length} | {created.Count} | {races.Length - created.Count} | {Count(DomainHoldStatus.Confirmed)} | {Count(DomainHoldStatus.Released)} | {Count(DomainHoldStatus.Expired)} | {errors} | {violations.Count} |

            """;
        Artifacts.Write($"hold-races-{_provider.ToString().ToLowerInvariant()}.md", table);
        _output.WriteLine(table);

        Assert.Equal(0, errors);
        Assert.Empty(violations);

        int Count(DomainHoldStatus status) => created.Count(r => holds[r.HoldId!].Status == status);
    }

    private enum Answer
    {
        NotSent,
        Ok,
        Expired,
        NotActive,
        /// <summary>Anything but a domain outcome: a deadlock, say, surfaces as UNKNOWN or INTERNAL.</summary>
        Error,
    }

    private sealed record Race(string? HoldId, Answer Confirm, Answer Release, ProtoHoldStatus ReleasedAs);

    /// <summary>One hold, then (after 0–1.2 s, so some are past their second) a confirm and a release at once.</summary>
    private async Task<Race> RaceAsync(int i)
    {
        var random = new Random(i);
        var checkIn = 200 + random.Next(10);
        Hold hold;
        try
        {
            hold = (await _client.CreateHoldAsync(new CreateHoldRequest
            {
                RequestId = $"race-{i}",
                HotelId = Hotel,
                RoomTypeId = RoomTypes[i % RoomTypes.Length],
                CheckIn = DaysFromToday(checkIn),
                CheckOut = DaysFromToday(checkIn + 1 + random.Next(4)),
                Guests = 1,
                Rooms = 1,
            })).Hold;
        }
        catch (RpcException e) when (Reason(e) == ErrorReasons.RoomsUnavailable)
        {
            return new(null, Answer.NotSent, Answer.NotSent, ProtoHoldStatus.Unspecified);
        }

        await Task.Delay(random.Next(1200));
        var mode = i % 4; // 0, 1: both at once; 2: only confirm; 3: only release
        var confirm = mode == 3 ? Task.FromResult((Answer.NotSent, ProtoHoldStatus.Unspecified)) : ConfirmAsync(hold.HoldId);
        var release = mode == 2 ? Task.FromResult((Answer.NotSent, ProtoHoldStatus.Unspecified)) : ReleaseAsync(hold.HoldId);
        return new(hold.HoldId, (await confirm).Item1, (await release).Item1, (await release).Item2);
    }

    private async Task<(Answer, ProtoHoldStatus)> ConfirmAsync(string holdId)
    {
        try
        {
            var hold = (await _client.ConfirmHoldAsync(new() { HoldId = holdId })).Hold;
            Assert.Equal(ProtoHoldStatus.Confirmed, hold.Status);
            return (Answer.Ok, hold.Status);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            return (Reason(e) == ErrorReasons.HoldExpired ? Answer.Expired : Answer.NotActive, ProtoHoldStatus.Unspecified);
        }
        catch (RpcException)
        {
            return (Answer.Error, ProtoHoldStatus.Unspecified);
        }
    }

    private async Task<(Answer, ProtoHoldStatus)> ReleaseAsync(string holdId)
    {
        try
        {
            return (Answer.Ok, (await _client.ReleaseHoldAsync(new() { HoldId = holdId })).Hold.Status);
        }
        catch (RpcException)
        {
            return (Answer.Error, ProtoHoldStatus.Unspecified);
        }
    }

    private static string? Reason(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
}
