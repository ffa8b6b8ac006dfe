using System.Reflection;
using HotelBooking.Contracts;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace HotelBooking.Gateway.Apis;

/// <summary>
/// The Idempotency-Key header of a creating request, handled here and nowhere else: read once, checked
/// against <see cref="RequestIds"/>, made up when absent, named in the response and declared in the
/// OpenAPI document. A handler takes it as a parameter. A bad header does not fail the binding: its
/// <see cref="Error"/> is reported with the body's field errors, in one problem response.
/// </summary>
public sealed class IdempotencyKey : IEndpointParameterMetadataProvider
{
    public const string HeaderName = "Idempotency-Key";

    private const string Description =
        "Optional: repeating a request with the same key returns the first outcome instead of booking again.";

    private IdempotencyKey(string value, string? error) => (Value, Error) = (value, error);

    /// <summary>The caller's key, or one the gateway made up.</summary>
    public string Value { get; }

    /// <summary>Why the header cannot be used, for the problem response; null when it can.</summary>
    public string? Error { get; }

    public static ValueTask<IdempotencyKey?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var headers = context.Request.Headers[HeaderName];
        // Without a key from the caller the gateway makes one, and names it in the response: a caller that
        // got a 503 or 504 can repeat the request with it and never book twice.
        var value = (string?)headers ?? Guid.NewGuid().ToString("N");
        var error = headers.Count > 1 ? $"Send one {HeaderName} header, not several."
            : RequestIds.IsValid(value) ? null
            : $"The {HeaderName} header must be {RequestIds.Rule}.";
        return ValueTask.FromResult<IdempotencyKey?>(new(value, error));
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new HeaderDeclaration());
        // The key is echoed once the request has bound (a body that is not JSON is refused without one),
        // whatever the handler's outcome: a 503 names the key to retry with.
        builder.FilterFactories.Add((_, next) => invocation =>
        {
            var key = invocation.GetArgument<IdempotencyKey>(parameter.Position);
            invocation.HttpContext.Response.OnStarting(() =>
            {
                invocation.HttpContext.Response.Headers[HeaderName] = key.Value;
                return Task.CompletedTask;
            });
            return next(invocation);
        });
    }

    /// <summary>Marks an endpoint that reads the header, for <see cref="OpenApiHeader"/>.</summary>
    private sealed class HeaderDeclaration;

    /// <summary>Declares the header in the OpenAPI document: a bound type is invisible to the API explorer.</summary>
    internal sealed class OpenApiHeader : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<HeaderDeclaration>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = HeaderName,
                    In = ParameterLocation.Header,
                    Description = Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }
    }
}
