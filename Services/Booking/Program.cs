using HotelBooking.Bookings.Data;
using HotelBooking.Bookings.Extensions;
using HotelBooking.Bookings.Grpc;
using HotelBooking.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddGrpc();
builder.Services.AddGrpcHealthChecks();

var app = builder.Build();

await app.MigrateDatabaseAsync<BookingDbContext>();

app.MapDefaultEndpoints();
app.MapGrpcService<BookingGrpcService>();
app.MapGrpcHealthChecksService();

app.Run();
