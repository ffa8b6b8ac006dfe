using HotelBooking.Gateway.Extensions;
using HotelBooking.Gateway.Security;
using HotelBooking.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();
builder.AddEdgeSecurity();
builder.AddStreamLimits();

var app = builder.Build();

// The middleware order and its reasons: Extensions/GatewayPipelineExtensions.cs.
app.UseGatewayPipeline();

app.MapDefaultEndpoints();
app.MapGatewayApis();
app.MapGrpcEdge();

app.Run();
