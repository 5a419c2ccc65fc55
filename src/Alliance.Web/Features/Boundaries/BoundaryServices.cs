using Alliance.Application.Boundaries;

namespace Alliance.Web.Features.Boundaries;

/// <summary>The boundary-watch use cases.</summary>
internal static class BoundaryServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddScoped<ContactLog>();
        services.AddScoped<IncidentWork>();
        services.AddScoped<AssistanceWork>();
        services.AddScoped<SelfCheckWork>();
        services.AddScoped<YellowLights>();
        services.AddScoped<IntakeWork>();
        services.AddScoped<BoundarySettingsWork>();
        services.AddScoped<IBoundaryDetectors, LibraryDetectors>();
    }
}
