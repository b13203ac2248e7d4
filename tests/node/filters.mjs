// Filter branches the Node SDK tests share.

// A DYNAMIC list's branch: the contacts whose email is `email`.
export const byEmail = (email) => ({
  filterBranchType: 'OR',
  filterBranches: [
    {
      filterBranchType: 'AND',
      filterBranches: [],
      filters: [
        {
          filterType: 'PROPERTY',
          property: 'email',
          operation: { operationType: 'STRING', operator: 'IS_EQUAL_TO', value: email },
        },
      ],
    },
  ],
  filters: [],
});
