using System.Net;
using HotelBooking.Payments.Grpc;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HotelBooking.Services.IntegrationTests.Payment;

/// <summary>Fault injection is a tool for tests and demos; Production must not be able to turn it on.</summary>
public sealed class FaultInjectionSafetyTests
{
    [Fact]
    public void Start_FaultInjectionEnabledInProduction_RefusesToStart()
    {
        using var host = new ServiceHost<PaymentGrpcService>("payment-db",
            new Dictionary<string, string?> { ["FaultInjection:Enabled"] = "true", ["FaultInjection:FailureRate"] = "0.5" },
            environment: "Production");

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient());

        Assert.Contains("cannot be enabled in Production", error.Message);
    }

    [Fact]
    public async Task FaultsEndpoint_InProduction_NotMapped()
    {
        using var host = new ServiceHost<PaymentGrpcService>("payment-db", environment: "Production");

        var response = await host.CreateClient().GetAsync("/_faults");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task FaultsEndpoint_InDevelopment_ShowsSettingsAndCounters()
    {
        using var host = new ServiceHost<PaymentGrpcService>("payment-db");

        var response = await host.CreateClient().GetStringAsync("/_faults");

        Assert.Contains("\"counters\"", response);
    }
}
