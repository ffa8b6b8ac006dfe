using HotelBooking.Payments.Data;
using HotelBooking.Payments.Extensions;
using HotelBooking.Payments.Grpc;
using HotelBooking.ServiceDefaults.Data;
using HotelBooking.ServiceDefaults;

// In a container, "healthcheck" probes the running instance instead of starting one.
await HealthProbe.ExitIfRequestedAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServiceDefaults();

var app = builder.Build();

await app.MigrateDatabaseAsync<PaymentDbContext>();

app.MapDefaultEndpoints();
app.MapGrpcService<PaymentGrpcService>();
app.MapGrpcServiceDefaults();

app.Run();
