using System.ComponentModel.DataAnnotations;
using Alliance.Application.Staff;
using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alliance.Web.Features.Account;

/// <summary>Opened with a one-time token; the token is the only credential.</summary>
[AllowAnonymous]
public sealed class SetPasswordModel(StaffAccounts accounts) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Choose a password.")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
        public string Confirm { get; set; } = "";
    }

    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public InputModel Input { get; set; } = new();
    public bool Valid { get; private set; }
    public string Name { get; private set; } = "";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        if (!Valid || !ModelState.IsValid) return Page();
        try
        {
            await accounts.SetPasswordAsync(Token, Input.Password);
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(AlliancePage.FieldKey("Input", e.Field == "token" ? "" : e.Field), e.Message);
            return Page();
        }
        TempData["Flash"] = "Your password is set. Sign in with it now.";
        return LocalRedirect("/account/sign-in");
    }

    private async Task LoadAsync()
    {
        var user = await accounts.FindByTokenAsync(Token);
        Valid = user is not null;
        Name = user?.DisplayName ?? "";
    }
}
