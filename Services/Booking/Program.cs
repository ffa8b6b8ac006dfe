using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Extensions;
using HotelBooking.Bookings.Grpc;
using HotelBooking.ServiceDefaults.Data;
using HotelBooking.ServiceDefaults;

// In a container, "healthcheck" probes the running instance instead of starting one.
await HealthProbe.ExitIfRequestedAsync(args);

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddGrpcServiceDefaults();

var app = builder.Build();

await app.MigrateDatabaseAsync<BookingDbContext>();

app.MapDefaultEndpoints();
app.MapGrpcService<BookingGrpcService>();
app.MapGrpcServiceDefaults();

app.Run();
