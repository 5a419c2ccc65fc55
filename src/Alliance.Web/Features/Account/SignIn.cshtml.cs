using System.ComponentModel.DataAnnotations;
using Alliance.Application.Demo;
using Alliance.Data;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Account;

[AllowAnonymous]
public sealed class SignInModel(SignInManager<StaffUser> signIn, UserManager<StaffUser> users, AllianceDbContext db, TwoFactorRule twoFactor) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public IReadOnlyList<DemoSignIn> DemoSignIns { get; private set; } = [];
    public string DemoPassword => DemoAgency.Password;

    public async Task OnGetAsync() => await LoadDemoAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            await LoadDemoAsync();
            return Page();
        }
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is { IsActive: true })
        {
            var result = await signIn.PasswordSignInAsync(user, Input.Password, isPersistent: false, lockoutOnFailure: true);
            var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
            if (result.RequiresTwoFactor)
                return LocalRedirect(returnUrl == "/" ? "/account/two-factor" : $"/account/two-factor?returnUrl={Uri.EscapeDataString(returnUrl)}");
            if (result.Succeeded)
                // An admin who must use two-factor sign-in and has not set it up does that first.
                return LocalRedirect(await twoFactor.IsRequiredAsync(user) ? TwoFactorRule.SetupPath : returnUrl);
            if (result.IsLockedOut)
            {
                ModelState.AddModelError(string.Empty, "Too many failed attempts. This account is locked for 15 minutes; your agency's admin can help.");
                await LoadDemoAsync();
                return Page();
            }
        }
        // The same answer for an unknown email and a wrong password: sign-in does not reveal who has an account.
        ModelState.AddModelError(string.Empty, "That email and password do not match an active account.");
        await LoadDemoAsync();
        return Page();
    }

    private async Task LoadDemoAsync()
    {
        // The demo's sign-ins are shown only while the demo agency is the database's only agency.
        var agencies = await db.Agencies.OrderBy(a => a.Id).Select(a => a.IsDemo).Take(2).ToListAsync();
        DemoSignIns = agencies is [true] ? DemoAgency.SignIns : [];
    }
}
