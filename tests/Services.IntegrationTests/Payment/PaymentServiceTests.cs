using System.Text;
using Google.Rpc;
using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Contracts.Payment.V1;
using HotelBooking.Payments.Data;
using HotelBooking.Payments.Grpc;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HotelBooking.Services.IntegrationTests.Payment;

public sealed class PaymentServiceTests : IDisposable
{
    private readonly ServiceHost<PaymentGrpcService> _host = new("payment-db");
    private readonly PaymentService.PaymentServiceClient _client;

    public PaymentServiceTests() => _client = new PaymentService.PaymentServiceClient(_host.CreateChannel());

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Charge_TokVisa_CapturedWithAMaskedDescription()
    {
        var payment = (await _client.ChargeAsync(Charge("k1", "tok_visa"))).Payment;

        Assert.Equal(PaymentStatus.Captured, payment.Status);
        Assert.Equal(360_00, payment.Amount.AmountMinor);
        Assert.Equal("Visa test card", payment.CardDescription);
    }

    [Fact]
    public async Task Charge_TokChargeDeclined_DeclinedOutcomeNotAnError()
    {
        var payment = (await _client.ChargeAsync(Charge("k2", "tok_chargeDeclined"))).Payment;

        Assert.Equal(PaymentStatus.Declined, payment.Status);
        Assert.NotEmpty(payment.DeclineReason);
    }

    [Fact]
    public async Task Charge_SameKeyTwice_ChargesOnce()
    {
        var first = (await _client.ChargeAsync(Charge("k3", "tok_visa"))).Payment;
        var retry = (await _client.ChargeAsync(Charge("k3", "tok_visa"))).Payment;

        Assert.Equal(first.PaymentId, retry.PaymentId);
    }

    [Fact]
    public async Task Charge_SameKeyDifferentAmount_RefusedAsReusedKey()
    {
        await _client.ChargeAsync(Charge("k4", "tok_visa"));
        var changed = Charge("k4", "tok_visa");
        changed.Amount.AmountMinor = 1;

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ChargeAsync(changed).ResponseAsync);

        Assert.Equal(ErrorReasons.IdempotencyKeyReused, error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task Charge_UnknownToken_InvalidArgumentAndNothingStored()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.ChargeAsync(Charge("k5", "tok_nope")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("payment_token", error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        await Assert.ThrowsAsync<RpcException>(() => _client.ChargeAsync(Charge("k5", "tok_nope")).ResponseAsync);
    }

    [Fact]
    public async Task Charge_ReachingTheServiceAfterItsDeadline_RefusedAndNothingCharged()
    {
        // The payment service's clock runs a minute ahead: every call with a deadline arrives after it, as a
        // charge does that waited in a queue while the booking saga's lease ran out.
        using var late = new ServiceHost<PaymentGrpcService>("payment-db", configureServices: services =>
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1))));
        var client = new PaymentService.PaymentServiceClient(late.CreateChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.ChargeAsync(Charge("k9", "tok_visa"), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        using var scope = late.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<PaymentDbContext>().Payments.CountAsync());
    }

    [Fact]
    public async Task Refund_Twice_RefundedOnce()
    {
        var payment = (await _client.ChargeAsync(Charge("k6", "tok_visa"))).Payment;

        await _client.RefundAsync(new() { PaymentId = payment.PaymentId });
        var again = (await _client.RefundAsync(new() { PaymentId = payment.PaymentId })).Payment;

        Assert.Equal(PaymentStatus.Refunded, again.Status);
    }

    [Fact]
    public async Task Charge_AnyOutcome_DatabaseFileHoldsNoToken()
    {
        await _client.ChargeAsync(Charge("k7", "tok_visa"));
        await _client.ChargeAsync(Charge("k8", "tok_chargeDeclined"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var bytes = await ReadAllSqliteFilesAsync();

        Assert.DoesNotContain("tok_", Encoding.UTF8.GetString(bytes));
    }

    private async Task<byte[]> ReadAllSqliteFilesAsync()
    {
        var all = new List<byte>();
        foreach (var path in Directory.GetFiles(Path.GetDirectoryName(_host.DatabasePath)!))
        {
            all.AddRange(await File.ReadAllBytesAsync(path));
        }

        return [.. all];
    }

    private static ChargeRequest Charge(string key, string token) => new()
    {
        RequestId = key,
        PaymentToken = token,
        Amount = Money.FromMinor(360_00, "EUR"),
        Description = "test",
    };
}
