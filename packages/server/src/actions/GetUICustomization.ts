import { action } from './action.js';
import { getUiCustomization, uiCustomizationType } from '../domain/oauth/ui-customization.js';

export default action(async (cognate, input: { UserPoolId: string; ClientId?: string }) => ({ UICustomization: uiCustomizationType(cognate.config, await getUiCustomization(cognate, input)) }));
