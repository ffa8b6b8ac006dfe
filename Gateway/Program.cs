using HotelBooking.Gateway.Apis;
using HotelBooking.Gateway.Extensions;
using HotelBooking.Gateway.Errors;
using HotelBooking.Gateway.Security;
using HotelBooking.ServiceDefaults;

// In a container, "healthcheck" probes the running instance instead of starting one.
await HealthProbe.ExitIfRequestedAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();
builder.AddEdgeSecurity();
builder.AddStreamLimits();

var app = builder.Build();

app.UseTraceIdHeader();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurityHeaders();

app.UseCors();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAccessControl();

// Opt-in outside Development: a public map of the API is a choice, not a default.
if (app.Configuration.GetValue("Gateway:SwaggerEnabled", defaultValue: false))
{
    app.UseSwagger();
    app.UseSwaggerUI();
}

app.UseWebSockets();

app.MapDefaultEndpoints();
app.MapHotelsApi();
app.MapAvailabilityStreamApi();
app.MapBookingsApi();
app.MapQuotesSocketApi();
app.MapInventoryAdminApi();

app.MapReverseProxy(proxy =>
{
    proxy.LimitOpenStreams();
    // YARP's default pipeline after ours.
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});

app.Run();
