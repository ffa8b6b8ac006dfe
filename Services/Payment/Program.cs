using HotelBooking.Payments.Data;
using HotelBooking.Payments.Extensions;
using HotelBooking.Payments.Grpc;
using HotelBooking.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddGrpc();
builder.Services.AddGrpcHealthChecks();

var app = builder.Build();

await app.MigrateDatabaseAsync<PaymentDbContext>();

app.MapDefaultEndpoints();
app.MapGrpcService<PaymentGrpcService>();
app.MapGrpcHealthChecksService();

app.Run();
